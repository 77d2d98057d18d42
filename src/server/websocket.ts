/**
 * GraphQL over WebSocket (`graphql-transport-ws`, the `graphql-ws` library's protocol, which Apollo Router
 * and Apollo Client's GraphQLWsLink speak) on the gateway's own HTTP server and path. Operations run
 * through yoga's envelop, so they get the same context, limits and error masking as over HTTP (not the
 * access log, which follows HTTP requests).
 *
 * - Browsers apply no CORS to WebSockets, and a page on any site could open one to the gateway (which
 *   holds the Atlas credential): the upgrade is refused unless it comes from no browser, the gateway's own
 *   host, or an origin in `CORS_ORIGINS` (the rule HTTP requests follow, src/server/plugins/cross-origin.ts).
 * - Browsers cannot set headers on a WebSocket: in forward mode the caller's Atlas token comes in the
 *   `connection_init` payload (`{ "authorization": "Bearer <token>" }`), or the upgrade's own header.
 * - The socket is the "connection" of the per-connection subscription limit; frames are capped at the HTTP
 *   body limit; sockets that stop answering pings are closed (and their subscriptions with them).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type ExecutionArgs, type GraphQLFormattedError } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { defaults } from '../config.js';
import { isGraphQLError } from '../graph/errors.js';
import type { Gateway } from './gateway.js';
import { crossOriginRefusal, hostRefusal, originMatcher, type OriginRule } from './plugins/cross-origin.js';
import { trustedOperationText } from './plugins/trusted-documents.js';

const hasHttpExtension = (error: GraphQLError) => error.extensions?.['http'] !== undefined;

/** The error as a client sees it over HTTP: everything but `extensions.http`. */
function withoutHttp(error: GraphQLError): GraphQLFormattedError {
  // graphql's own errors format themselves; an error of another shape keeps its parts as they are.
  const formatted: GraphQLFormattedError =
    typeof error.toJSON === 'function'
      ? error.toJSON()
      : { message: error.message, locations: error.locations, path: error.path, extensions: error.extensions };
  if (!formatted.extensions) return formatted;
  const { http: _http, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}

export interface WebSocketOptions {
  /** The GraphQL endpoint (default `/graphql`, yoga's). */
  path?: string;
  /** Origins whose pages may open a socket, as for HTTP (CORS_ORIGINS). */
  corsOrigins?: readonly OriginRule[];
  /** The gateway's own host names, as for HTTP (ALLOWED_HOSTS); undefined: any. */
  allowedHosts?: readonly string[];
  /** Largest message, in bytes (default: the HTTP body limit). */
  maxPayloadBytes?: number;
  /** Milliseconds between keep-alive pings; a socket that missed its pong is closed. */
  keepAliveMs?: number;
}

export interface GraphQLWebSocket {
  /** Closes every socket (1001, going away) and stops accepting upgrades. */
  close(): Promise<void>;
}

/** What yoga's envelop gives each operation to run it with (carried to `execute`/`subscribe` as the root value). */
interface Enveloped {
  execute(args: ExecutionArgs): OperationResult;
  subscribe(args: ExecutionArgs): OperationResult;
}

function envelopedOf(args: ExecutionArgs): Enveloped {
  // onSubscribe below puts envelop's own execute and subscribe there.
  return args.rootValue as Enveloped;
}

/** The forward-mode token a client sent: in `connection_init`, else on the upgrade request. */
function authorizationOf(
  params: Readonly<Record<string, unknown>> | undefined,
  request: IncomingMessage,
): string | null {
  for (const name of ['authorization', 'Authorization']) {
    const value = params?.[name];
    if (typeof value === 'string') return value;
  }
  return request.headers.authorization ?? null;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function attachGraphQLWebSocket(
  server: Server,
  gateway: Gateway,
  options: WebSocketOptions = {},
): GraphQLWebSocket {
  const path = options.path ?? '/graphql';
  const allowed = originMatcher(options.corsOrigins ?? []);
  const allowedHosts = options.allowedHosts ? new Set(options.allowedHosts) : undefined;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes ?? defaults.limits.maxRequestBodyBytes,
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    if (url.pathname !== path) return refuse(socket, 404, 'Not Found');
    const headers = new Headers();
    for (const name of ['origin', 'sec-fetch-site', 'sec-fetch-mode']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers.set(name, value);
    }
    const asked = new Request(url, { headers });
    if (hostRefusal(asked, allowedHosts)) return refuse(socket, 421, 'Misdirected Request');
    if (crossOriginRefusal(asked, allowed)) return refuse(socket, 403, 'Forbidden');
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);

  const serving = useServer(
    {
      isProd: true,
      // Yoga drops `extensions.http` (the status an HTTP answer takes) when it writes an HTTP response; a
      // WebSocket message is no HTTP answer, so it is dropped here too.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors?.some(hasHttpExtension) ? { ...result, errors: result.errors.map(withoutHttp) } : undefined,
      onError: (_ctx, _id, _payload, errors) => (errors.some(hasHttpExtension) ? errors.map(withoutHttp) : undefined),
      execute: (args) => envelopedOf(args).execute(args),
      subscribe: (args) => envelopedOf(args).subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        const { socket, request: upgrade } = ctx.extra;
        // What yoga's context reads of a request: the caller's token (forward mode), nothing else.
        const authorization = authorizationOf(ctx.connectionParams, upgrade);
        // A POST, as a message's operation is sent: yoga refuses a mutation it takes for a GET.
        const request = new Request(`http://${upgrade.headers.host ?? 'localhost'}${path}`, {
          method: 'POST',
          headers: authorization ? { authorization } : {},
        });
        // Trusted documents hold here as over HTTP, where yoga's params hook (which HTTP requests alone pass
        // through) enforces them: a document id names the text; query text runs only where allowed.
        let query = params.query;
        if (gateway.trustedDocuments) {
          const admitted = trustedOperationText(gateway.trustedDocuments, params, request);
          // Its `extensions.http` is dropped on the way out, as every error's here (onError).
          if ('refused' in admitted) {
            return [new GraphQLError(admitted.refused.message, { extensions: admitted.refused.extensions })];
          }
          query = admitted.query;
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = gateway.yoga.getEnveloped({
          request,
          params,
          liveConnection: socket,
        });
        let document;
        try {
          document = parse(query);
        } catch (error) {
          // A syntax error is a GraphQLError (possibly of graphql's other module copy): sent to the client as is.
          if (isGraphQLError(error)) return [error satisfies GraphQLError];
          throw error;
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        return {
          schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
    },
    wss,
    options.keepAliveMs ?? defaults.websocketPingMs,
  );

  return {
    async close() {
      server.off('upgrade', onUpgrade);
      await serving.dispose();
    },
  };
}
