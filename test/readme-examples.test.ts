/**
 * Every GraphQL example in the README's "## The graph" section runs on the demo data without errors, so the
 * README never shows a query the gateway refuses (the dashboard once went over the cost limit) or a
 * placeholder that cannot run.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../support/stack.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const start = readme.indexOf('\n## The graph\n');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
/** Each operation: a block holds several, each after a blank line and its comment. */
const examples = [...section.matchAll(/```graphql\n([\s\S]*?)```/g)].flatMap((block) =>
  (block[1] ?? '').split(/\n\s*\n(?=#)/).map((operation) => operation.trim()),
);

describe('README "The graph" examples, on the demo data', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('finds them', () => {
    expect(start).toBeGreaterThan(0);
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  it.each(examples.map((example) => [example.split('\n').find((line) => !line.startsWith('#')) ?? '', example]))(
    '%s',
    async (_, example) => {
      const { status, data, errors } = await stack.query(example);
      expect(errors).toBeUndefined();
      expect(status).toBe(200);
      // Every root field found its object: no placeholder id, no missing demo resource.
      expect(Object.values(data ?? {}).every((value) => value !== null)).toBe(true);
    },
  );
});
