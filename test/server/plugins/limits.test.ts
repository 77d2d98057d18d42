/**
 * Abusive or malformed requests are refused before execution, with a precise code, and cost Atlas nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../../../src/simulator/index.js';
import { startStack, type TestStack } from '../../../support/stack.js';
import { exampleQuery } from '../../../src/server/gateway.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.simulator.resetCalls());

const groupId = DEMO.projects.payments.id;
const dashboard = () => exampleQuery;
const nest = (depth: number) => {
  // project -> clusters -> nodes -> project -> clusters -> ... : one level per field.
  let selection = 'name';
  for (let i = 0; i < depth; i++)
    selection = i % 2 === 0 ? `project { ${selection} }` : `cluster(name: "x") { ${selection} }`;
  return `{ project(id: "${groupId}") { ${selection} } }`;
};

async function post(body: string, headers: Record<string, string> = {}) {
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/** The project's name, asked with a variable that pads the body by `padding` bytes. */
const paddedProjectQuery = (padding: number) =>
  JSON.stringify({ query: `{ project(id: "${groupId}") { name } }`, variables: { pad: 'x'.repeat(padding) } });

/** POSTs `body` in chunks of `size` bytes with no Content-Length (Transfer-Encoding: chunked). */
async function postChunked(body: string, size: number) {
  const bytes = new TextEncoder().encode(body);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += size) controller.enqueue(bytes.subarray(at, at + size));
      controller.close();
    },
  });
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: stream,
    duplex: 'half',
  } as RequestInit);
  return { status: response.status, text: await response.text() };
}

describe('document limits (graphql-armor)', () => {
  it.each([
    ['depth', nest(14), 'MAX_DEPTH_EXCEEDED'],
    [
      'aliases',
      `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: project(id: "${groupId}") { name }`).join(' ')} }`,
      'MAX_ALIASES_EXCEEDED',
    ],
    ['tokens', `{ project(id: "${groupId}") { ${'name '.repeat(2_100)} } }`, 'MAX_TOKENS_EXCEEDED'],
    [
      'directives',
      `{ project(id: "${groupId}") { name ${'@include(if: true) '.repeat(51)} } }`,
      'MAX_DIRECTIVES_EXCEEDED',
    ],
    [
      'cost',
      '{ projects(first: 500) { nodes { clusters(first: 500) { nodes { name stateName } } } } }',
      'COST_LIMIT_EXCEEDED',
    ],
  ])('refuses a document over the %s limit with its code, HTTP 400 and no Atlas call', async (_, document, code) => {
    const { status, text } = await post(JSON.stringify({ query: document }));
    const body = JSON.parse(text) as { data?: unknown; errors: { extensions?: { code?: string } }[] };
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors[0]?.extensions?.code).toBe(code);
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('admits the example dashboard', async () => {
    const { errors, data } = await stack.query(dashboard());
    expect(errors).toBeUndefined();
    expect(data).toHaveProperty('projects.nodes');
  });

  it('says what was over which limit, without "Syntax Error"', async () => {
    const { status, text } = await post(JSON.stringify({ query: nest(14) }));
    const body = JSON.parse(text) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(status).toBe(400);
    expect(body.errors[0]?.message).toBe('Query depth limit of 12 exceeded, found 16.');
    expect(body.errors[0]?.extensions).toMatchObject({ code: 'MAX_DEPTH_EXCEEDED', limit: 12, found: 16 });
  });

  it('suggests field names in development, where introspection is on anyway', async () => {
    const { errors } = await stack.query(`{ project(id: "${groupId}") { nam } }`);
    expect(errors?.[0]?.message).toMatch(/Did you mean "name"\?/);
  });
});

describe('depth with fragments (as Apollo, Relay and urql apps write queries)', () => {
  const inline = dashboard;
  // The same selection as the example dashboard, split into colocated fragments the way a component tree
  // composes it: each spread and inline fragment is where a component's fragment would sit.
  const fragments = `
    query BackupDashboard { projects(first: 10) { totalCount nodes { ...ProjectCard } } }
    fragment ProjectCard on Project { id name clusters(first: 10) { nodes { ...ClusterRow } } }
    fragment ClusterRow on Cluster { id name stateName ...RestoreJobs ...Exports }
    fragment RestoreJobs on Cluster {
      restoreJobs(first: 10) { totalCount nodes { ...RestoreJobRow } }
    }
    fragment RestoreJobRow on CloudBackupRestoreJob {
      id state deliveryType finishedAt
      snapshot { ...SnapshotCell }
      targetCluster { ... on Cluster { id name project { ...ProjectName } } }
    }
    fragment SnapshotCell on Snapshot { id createdAt storageSizeBytes }
    fragment ProjectName on Project { id name }
    fragment Exports on Cluster {
      exports(first: 10) { nodes { id state createdAt exportStatus { exportedCollections totalCollections }
        exportBucket { ...BucketCell } } }
    }
    fragment BucketCell on ExportBucket { id bucketName cloudProvider }`;

  it('admits the dashboard split into fragments, and answers it exactly as written inline', async () => {
    const [a, b] = await Promise.all([stack.query(inline()), stack.query(fragments)]);
    expect(b.errors).toBeUndefined();
    expect(b.data).toEqual(a.data);
  });

  it('measures the flattened depth: the limit bites at the same nesting either way', async () => {
    const shallow = await startStack({ gateway: { limits: { maxDepth: 8 } } });
    try {
      const [a, b] = await Promise.all([shallow.query(inline()), shallow.query(fragments)]);
      for (const answer of [a, b]) {
        expect(answer.status).toBe(400);
        expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'MAX_DEPTH_EXCEEDED', limit: 8, found: 9 });
      }
      expect(shallow.simulator.calls).toHaveLength(0);
    } finally {
      await shallow.close();
    }
  });
});

describe('cost as the operation will execute', () => {
  const withPageSize = (size: string) =>
    dashboard()
      .replace('query BackupDashboard', 'query BackupDashboard($n: Int)')
      .replaceAll('first: 10', `first: ${size}`);

  it('gives a literal and a variable the same verdict and figure', async () => {
    const literal = await post(JSON.stringify({ query: dashboard().replaceAll('first: 10', 'first: 15') }));
    const variable = await post(JSON.stringify({ query: withPageSize('$n'), variables: { n: 15 } }));
    for (const { status, text } of [literal, variable]) {
      const body = JSON.parse(text) as {
        data?: unknown;
        errors: { message: string; extensions: Record<string, unknown> }[];
      };
      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors[0]?.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', cost: 92_551, limit: 50_000 });
      expect(body.errors[0]?.message).not.toMatch(/Syntax Error/);
    }
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('refuses `first: $n` with n = 500, and counts an omitted `first` as its default (20)', async () => {
    const huge = await post(JSON.stringify({ query: withPageSize('$n'), variables: { n: 500 } }));
    expect(huge.status).toBe(400);
    expect(JSON.parse(huge.text)).toMatchObject({ errors: [{ extensions: { code: 'COST_LIMIT_EXCEEDED' } }] });
    const omitted = await post(JSON.stringify({ query: dashboard().replaceAll('(first: 10)', '') }));
    expect(JSON.parse(omitted.text)).toMatchObject({
      errors: [{ extensions: { code: 'COST_LIMIT_EXCEEDED', cost: 218_501 } }],
    });
    // An explicit null runs as the default too (a connection reads `first ?? 20`): the same verdict, not a
    // cost of 1 per connection that let the whole dashboard through.
    for (const asNull of [
      { query: withPageSize('$n'), variables: { n: null } },
      { query: dashboard().replaceAll('first: 10', 'first: null') },
    ]) {
      const answer = await post(JSON.stringify(asNull));
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({
        errors: [{ extensions: { code: 'COST_LIMIT_EXCEEDED', cost: 218_501 } }],
      });
    }
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('admits the dashboard with `first: $n` and n = 10 (cost 27,651)', async () => {
    const { errors, data } = await stack.query(withPageSize('$n'), { n: 10 });
    expect(errors).toBeUndefined();
    expect(data).toHaveProperty('projects.nodes');
  });
});

describe('HTTP request limits', () => {
  it('refuses a batched array body', async () => {
    const one = { query: `{ project(id: "${groupId}") { name } }` };
    const { status } = await post(JSON.stringify([one, one]));
    expect(status).toBe(400);
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('refuses a body over 100 kB with 413', async () => {
    const { status, text } = await post(
      JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(120_000) } }),
    );
    expect(status).toBe(413);
    expect(JSON.parse(text).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  // Without a Content-Length (chunked, as a streaming client sends it) the limit is found while reading.
  it('refuses a chunked body that grows over 100 kB with 413, before any Atlas call', async () => {
    const { status, text } = await postChunked(paddedProjectQuery(120_000), 10_000);
    expect(status).toBe(413);
    expect(JSON.parse(text).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    expect(stack.simulator.calls).toHaveLength(0);
  });

  // Node's HTTP parser refuses such a header before the gateway sees it; an in-process caller can still send one.
  it('refuses a Content-Length that is not one number with 400, as request smuggling sends it', async () => {
    const response = await stack.gateway.yoga.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '30, 30' },
      body: JSON.stringify({ query: `{ project(id: "${groupId}") { name } }` }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(stack.simulator.calls).toHaveLength(0);
  });

  it('answers a chunked body under the limit', async () => {
    const { status, text } = await postChunked(paddedProjectQuery(90_000), 7_000);
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ data: { project: { name: DEMO.projects.payments.name } } });
  });

  // A few kilobytes nest thousands deep; walking them recursively overflowed the stack: HTTP 500.
  it('refuses variables nested deeper than 32 levels with 400 and a code, before any Atlas call', async () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const query = `query ($id: ObjectId!) { project(id: $id) { name } }`;
    const body = (depth: number) =>
      `{"query":${JSON.stringify(query)},"variables":{"id":"${groupId}","x":${nested(depth)}}}`;
    const deep = await post(body(5_000));
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.text).errors[0].extensions).toEqual({ code: 'MAX_VARIABLES_DEPTH_EXCEEDED', limit: 32 });
    expect((await post(body(33))).status).toBe(400);
    expect(stack.simulator.calls).toHaveLength(0);
    // 32 levels under the variables object are within the limit.
    const within = await post(body(32));
    expect(within.status).toBe(200);
    expect(JSON.parse(within.text)).toEqual({ data: { project: { name: DEMO.projects.payments.name } } });
  });

  it('refuses invalid JSON with 400', async () => {
    expect((await post('{"query": ')).status).toBe(400);
  });

  it('marks answers private', async () => {
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.headers.get('cache-control')).toBe('private, no-store');
  });
});

describe('introspection and GraphiQL in production', () => {
  it('can switch both off', async () => {
    const closed = await startStack({ gateway: { introspection: false } });
    try {
      const typo = await closed.query(`{ project(id: "${groupId}") { nam } }`);
      expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
      expect(typo.errors?.[0]?.message).toContain('[Suggestion hidden]');
      const { errors } = await closed.query('{ __schema { types { name } } }');
      expect(errors?.[0]?.message).toMatch(/introspection/i);
      const page = await fetch(closed.url, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toContain('GraphiQL');
      const sdl = await closed.query('{ _service { sdl } }');
      expect(sdl.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
      expect(JSON.stringify(sdl)).not.toContain('type Project');
      const { data } = await closed.query(`{ project(id: "${groupId}") { name } }`);
      expect(data).toEqual({ project: { name: expect.any(String) } });
    } finally {
      await closed.close();
    }
  });
});
