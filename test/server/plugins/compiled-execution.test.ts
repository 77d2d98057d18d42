/**
 * Which executions run compiled (graphql-jit): a document's second and later ones, and never a document
 * with @defer/@stream, a subscription, or a document of several operations. Each resolver here notes
 * whether graphql-jit's code called it (its module is on the stack), so the test sees which executor ran.
 * The `graph: compiled` test project (vitest.config.ts) checks the compiled answers against every graph test.
 */
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { GraphQLError } from 'graphql';
import { compileQuery } from 'graphql-jit';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCompiledExecution, type CompiledExecutionOptions } from '../../../src/server/plugins/compiled-execution.js';
import { DEMO } from '../../../src/simulator/index.js';
import { startStack, type TestStack } from '../../../support/stack.js';
import { exampleQuery } from '../../../src/server/gateway.js';

const compiledCalls: boolean[] = [];
const byCompiledCode = () => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return /[\\/]graphql-jit[\\/]/.test(stack);
};

function yogaWith(compileFrom?: number, compile?: CompiledExecutionOptions['compile']) {
  return createYoga({
    schema: createSchema({
      typeDefs: /* GraphQL */ `
        type Query {
          job(id: ID!): Job
        }
        type Job {
          id: ID!
          status: String!
        }
        type Subscription {
          tick: Int!
        }
      `,
      resolvers: {
        Query: {
          job: (_: unknown, { id }: { id: string }) => {
            compiledCalls.push(byCompiledCode());
            return { id, status: 'COMPLETED' };
          },
        },
        Subscription: {
          tick: {
            subscribe: async function* () {
              yield { tick: 1 };
            },
            resolve: (payload: { tick: number }) => {
              compiledCalls.push(byCompiledCode());
              return payload.tick;
            },
          },
        },
      },
    }),
    plugins: [
      useDeferStream(),
      useCompiledExecution({ ...(compileFrom === undefined ? {} : { compileFrom }), compile }),
    ],
    logging: false,
  });
}

async function run(yoga: ReturnType<typeof yogaWith>, query: string, operationName?: string) {
  const response = await yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, multipart/mixed, text/event-stream',
    },
    body: JSON.stringify({ query, operationName }),
  });
  return response.text();
}

/** Runs the document `times` times and says, per run, whether compiled code resolved it. */
async function runs(yoga: ReturnType<typeof yogaWith>, query: string, times: number, operationName?: string) {
  const seen: boolean[] = [];
  for (let i = 0; i < times; i++) {
    compiledCalls.length = 0;
    const text = await run(yoga, query, operationName);
    expect(text).toContain('"id":"7"');
    expect(compiledCalls).toHaveLength(1);
    seen.push(compiledCalls[0]!);
  }
  return seen;
}

describe('which executions run compiled', () => {
  it('a document from its second execution on, each document counted apart', async () => {
    const yoga = yogaWith();
    expect(await runs(yoga, '{ job(id: "7") { id status } }', 3)).toEqual([false, true, true]);
    // Another text is another document: interpreted first again.
    expect(await runs(yoga, '{ job(id: "7") { id } }', 2)).toEqual([false, true]);
  });

  it('from the execution compileFrom names', async () => {
    expect(await runs(yogaWith(1), '{ job(id: "7") { id } }', 2)).toEqual([true, true]);
    expect(await runs(yogaWith(3), '{ job(id: "7") { id } }', 4)).toEqual([false, false, true, true]);
  });

  it('never a document with @defer or @stream (graphql-jit cannot stream)', async () => {
    const yoga = yogaWith(1);
    expect(await runs(yoga, '{ job(id: "7") { id ... @defer { status } } }', 3)).toEqual([false, false, false]);
  });

  it('never a document of several operations (one compiled function is kept per document)', async () => {
    const yoga = yogaWith(1);
    const document = 'query A { job(id: "7") { id } } query B { job(id: "7") { id status } }';
    expect(await runs(yoga, document, 2, 'A')).toEqual([false, false]);
    expect(await runs(yoga, document, 2, 'B')).toEqual([false, false]);
  });

  it('a document graphql-jit declines runs interpreted, and compilation is not tried again', async () => {
    let tries = 0;
    const declining: CompiledExecutionOptions['compile'] = () => {
      tries++;
      return { errors: [new GraphQLError('cannot compile this')] };
    };
    const yoga = yogaWith(1, declining);
    expect(await runs(yoga, '{ job(id: "7") { id status } }', 3)).toEqual([false, false, false]);
    expect(tries).toBe(1);
  });

  it('variables that do not fit are answered as the interpreting executor answers them, compiled or not', async () => {
    let compilations = 0;
    const counting: CompiledExecutionOptions['compile'] = (schema, document) => {
      compilations++;
      return compileQuery(schema, document);
    };
    const yoga = yogaWith(2, counting);
    const query = 'query Job($id: ID!) { job(id: $id) { id } }';
    const answers = [];
    for (let i = 0; i < 3; i++) {
      compiledCalls.length = 0;
      const response = await yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query, variables: { id: { not: 'an id' } } }),
      });
      answers.push([response.status, await response.text()]);
      expect(compiledCalls).toEqual([]);
    }
    expect(compilations).toBe(1);
    expect(answers[0]?.[0]).toBe(400);
    expect(answers[0]?.[1]).toContain('Variable \\"$id\\" got invalid value');
    expect(answers.slice(1)).toEqual([answers[0], answers[0]]);
  });

  it('never a subscription', async () => {
    const yoga = yogaWith(1);
    for (let i = 0; i < 2; i++) {
      compiledCalls.length = 0;
      expect(await run(yoga, 'subscription { tick }')).toContain('"tick":1');
      expect(compiledCalls).toEqual([false]);
    }
  });
});

describe('the gateway, compiled and not', () => {
  let interpreted: TestStack;
  let compiled: TestStack;
  beforeAll(async () => {
    interpreted = await startStack({ gateway: { compileFrom: false } });
    compiled = await startStack({ gateway: { compileFrom: 1 } });
  });
  afterAll(async () => {
    await interpreted.close();
    await compiled.close();
  });

  it('answers the example dashboard alike, with the same Atlas calls', async () => {
    const before = await interpreted.query(exampleQuery);
    const callsBefore = interpreted.simulator.calls.length;
    const after = await compiled.query(exampleQuery);
    expect(after.errors).toBeUndefined();
    expect(after).toEqual(before);
    expect(compiled.simulator.calls.length).toBe(callsBefore);
  });

  // yoga rebuilds each error from its field nodes when it writes the answer; graphql-jit's errors have none,
  // so a compiled document's errors came without `locations` (GraphQL spec §7.1.2: they should have them).
  it('answers errors alike, locations included, inside fragments and aliases too', async () => {
    const query = `query Jobs { projects(first: 2) { nodes { ...P } } }
      fragment P on Project { n: name clusters(first: 1) { nodes { name } } }`;
    const fail = (stack: TestStack) =>
      stack.simulator.faults.set({
        script: ['status500', 'status500', 'status500'],
        match: { operationId: 'listClusters', pathPrefix: `/api/atlas/v2/groups/${DEMO.projects.payments.id}/` },
      });
    fail(interpreted);
    const before = await interpreted.query(query);
    fail(compiled);
    const after = await compiled.query(query);
    const column = query.split('\n')[1]!.indexOf('clusters') + 1;
    expect(before.errors?.[0]?.locations).toEqual([{ line: 2, column }]);
    expect(after).toEqual(before);
  });
});
