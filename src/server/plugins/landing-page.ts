/**
 * `GET /`: what this server is, where its endpoints are, and the first steps, as HTML for browsers, JSON for
 * clients asking for JSON, plain text otherwise (curl).
 *
 * A page rather than a redirect to GraphiQL: it answers in every setting (in production GraphiQL is off and
 * there would be nothing to redirect to), it tells curl users and health probes pointed at `/` what to do,
 * and in a browser GraphiQL is one link away.
 *
 * It says only what the README says publicly: no Atlas origin, no credential, no authentication mode. The
 * content is fixed when the gateway is built (nothing from the request is echoed), so one cached copy
 * fits every caller.
 */
import type { Plugin } from 'graphql-yoga';
import { staticResponse, type StaticResponse } from './static-response.js';
import { pathOf } from './results.js';

export interface LandingPageOptions {
  /** Whether GraphiQL is served at the GraphQL endpoint. */
  graphiql: boolean;
  /** Whether each request carries its caller's Atlas token (forward mode) rather than the gateway using its own. */
  callersTokens?: boolean;
  /** yoga's defaults. */
  graphqlEndpoint?: string;
  healthEndpoint?: string;
  readyEndpoint?: string;
}

const name = 'Atlas Backup GraphQL Gateway';
const about =
  'One GraphQL graph over the backup resources of the MongoDB Atlas Administration API v2: projects, ' +
  'dedicated and Flex clusters and their deployments view, backup schedules, Cloud Backup snapshots, restore ' +
  'jobs, exports and export buckets, Flex snapshots and restore jobs, Legacy Backup checkpoints and restore ' +
  'jobs, and serverless instances (whose backups Atlas sunset on 2026-01-22: read them from the Flex cluster ' +
  'of the same name). Subscriptions follow jobs as they progress.';
const listProjects = '{ projects(first: 5) { nodes { id atlasId name } } }';
const walk =
  '{ project(id: "<atlasId>") { clusters { nodes { name restoreJobs(first: 5) { nodes { state snapshot { createdAt } } } } } } }';
/** The queries the first steps show (the tests run them on the demo data). */
export const firstStepQueries = { listProjects, walk } as const;
const authNotes = {
  callers: "Each request must carry its caller's own Atlas access token: `Authorization: Bearer <token>`.",
  own: 'This server calls Atlas with its own credential: requests need no Atlas token.',
};

interface Content {
  graphqlEndpoint: string;
  healthEndpoint: string;
  readyEndpoint: string;
  graphiql: boolean;
  authNote: string;
}

/** A step: what to do, and the command or query (shown as code). */
interface Step {
  say: string;
  code?: string;
}

function firstSteps({ graphqlEndpoint }: Content): Step[] {
  return [
    {
      say: "List your projects (GATEWAY is this server's address, e.g. http://localhost:4000):",
      code: `curl -s "$GATEWAY${graphqlEndpoint}" -H 'content-type: application/json' -d '${JSON.stringify({ query: listProjects })}'`,
    },
    { say: 'Walk from a project (its atlasId) to its backups:', code: walk },
    {
      say:
        'Refetch any object by its global `id` with `node(id:)`; Atlas ids go to `project(id:)`, ' +
        '`Cluster.snapshot(id:)`, `Cluster.restoreJob(id:)` and the other lookups that take an `id: ObjectId`.',
    },
    { say: 'The README (Quick start, The graph, Errors) documents the rest.' },
  ];
}

const stepText = ({ say, code }: Step) => (code ? `${say}\n   ${code}` : say);

function graphiqlLine({ graphqlEndpoint, graphiql }: Content): string {
  return graphiql
    ? `GraphiQL: open ${graphqlEndpoint} in a browser.`
    : 'GraphiQL is off on this server (GRAPHIQL=true with INTROSPECTION=true turns it on).';
}

function text(content: Content): string {
  return [
    name,
    '',
    about,
    '',
    `GraphQL endpoint: POST ${content.graphqlEndpoint} (JSON)`,
    graphiqlLine(content),
    `Health: GET ${content.healthEndpoint} answers 200 while the server is up; GET ${content.readyEndpoint} while it takes traffic.`,
    '',
    'First steps:',
    ...firstSteps(content).map((step, i) => `${i + 1}. ${stepText(step)}`),
    '',
    content.authNote,
    '',
  ].join('\n');
}

function json(content: Content): string {
  return JSON.stringify({
    name,
    about,
    graphql: content.graphqlEndpoint,
    graphiql: content.graphiql ? content.graphqlEndpoint : null,
    health: content.healthEndpoint,
    ready: content.readyEndpoint,
    firstSteps: firstSteps(content).map(({ say, code }) => (code ? `${say} ${code}` : say)),
    authentication: content.authNote,
  });
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/** Escaped, with `backtick` spans as <code>. */
function codeSpans(value: string): string {
  return escapeHtml(value).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** `/graphql` as a link relative to `/`, so the page also works behind a proxy that adds a path prefix. */
function relative(path: string): string {
  return escapeHtml(path.replace(/^\//, ''));
}

function html(content: Content): string {
  const { graphqlEndpoint, healthEndpoint, readyEndpoint } = content;
  const graphiql = content.graphiql
    ? `<a href="${relative(graphqlEndpoint)}">Open GraphiQL</a> to explore the schema and run queries.`
    : escapeHtml(graphiqlLine(content));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em;overflow-wrap:anywhere}</style>
</head>
<body>
<h1>${name}</h1>
<p>${escapeHtml(about)}</p>
<ul>
<li>GraphQL endpoint: <code>POST ${escapeHtml(graphqlEndpoint)}</code> (JSON)</li>
<li>${graphiql}</li>
<li>Health: <a href="${relative(healthEndpoint)}"><code>GET ${escapeHtml(healthEndpoint)}</code></a> answers 200 while the server is up; <a href="${relative(readyEndpoint)}"><code>GET ${escapeHtml(readyEndpoint)}</code></a> while it takes traffic.</li>
</ul>
<h2>First steps</h2>
<ol>
${firstSteps(content)
  .map(({ say, code }) => `<li>${codeSpans(say)}${code ? `<br><code>${escapeHtml(code)}</code>` : ''}</li>`)
  .join('\n')}
</ol>
<p>${codeSpans(content.authNote)}</p>
</body>
</html>
`;
}

/** The three representations of `/`; exported for tests. */
export function landingPages(options: LandingPageOptions): Record<'html' | 'json' | 'text', StaticResponse> {
  const content: Content = {
    graphqlEndpoint: options.graphqlEndpoint ?? '/graphql',
    healthEndpoint: options.healthEndpoint ?? '/health',
    readyEndpoint: options.readyEndpoint ?? '/ready',
    graphiql: options.graphiql,
    authNote: options.callersTokens ? authNotes.callers : authNotes.own,
  };
  // Public and the same for everyone; revalidated so a redeploy (GraphiQL turned on or off) shows at once.
  const page = (render: () => string, contentType: string) =>
    staticResponse({ render, contentType, cacheControl: 'no-cache', vary: ['Accept'] });
  return {
    html: page(() => html(content), 'text/html; charset=utf-8'),
    json: page(() => json(content), 'application/json; charset=utf-8'),
    text: page(() => text(content), 'text/plain; charset=utf-8'),
  };
}

export function useLandingPage(options: LandingPageOptions): Plugin {
  const pages = landingPages(options);
  return {
    onRequest({ request, fetchAPI, endResponse }) {
      if (pathOf(request.url) !== '/' || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      const accept = request.headers.get('accept') ?? '';
      const page = accept.includes('text/html')
        ? pages.html
        : accept.includes('application/json')
          ? pages.json
          : pages.text;
      return page.respond(request, fetchAPI.Response).then(endResponse);
    },
  };
}
