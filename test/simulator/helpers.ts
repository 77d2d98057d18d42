// Shared test helpers: an ajv validator built from the spec's components.schemas, a fetch wrapper
// for Atlas-style calls, and a raw node:http request for paths fetch would normalise (`..`).
import { request } from 'node:http';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import {
  LIVE_EXTRA_FIELDS,
  loadSpec,
  isObject,
  type JsonObject,
  type OperationSpec,
} from '../../src/simulator/spec.js';
import { afterAll } from 'vitest';
import { DEMO, startSimulator, type AtlasSimulator, type SimulatorOptions } from '../../src/simulator/index.js';

const addFormats = formatsModule.default;

/**
 * The spec's `DiskBackupExportJob.prefix.pattern` is the documentation template
 * `/exported_snapshots/\{ORG-NAME\}/...` written as a regex: it only matches the literal placeholders,
 * so no real Atlas export (and no realistic simulated one) can satisfy it. It is the one constraint
 * the validator drops; `REALISTIC_PREFIX` checks the real format instead.
 */
export const PREFIX_TEMPLATE_PATTERN =
  '/exported_snapshots/\\{ORG-NAME\\}/\\{PROJECT-NAME\\}/\\{CLUSTER-NAME\\}/\\{SNAPSHOT-INITIATION-DATE\\}/\\{TIMESTAMP\\}';
export const REALISTIC_PREFIX = /^\/exported_snapshots\/[^/]+\/[^/]+\/[^/]+\/\d{4}-\d{2}-\d{2}T\d{4}\/\d{10}$/;

function rewriteRefs(node: unknown, closeObjects: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, closeObjects));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      out[key] = value.replace('#/components/schemas/', '#/definitions/');
    } else if (key === 'properties' && isObject(value)) {
      // Property names are data here, not schema keywords: recurse into each property schema only.
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteRefs(v, closeObjects)]));
    } else {
      out[key] = rewriteRefs(value, closeObjects);
    }
  }
  // The "closed" variant rejects property names the spec does not declare (catches typos in the seed).
  if (closeObjects && isObject(out['properties']) && out['additionalProperties'] === undefined) {
    out['additionalProperties'] = false;
  }
  return out;
}

export interface SpecValidator {
  /** Returns ajv's error messages; empty when `value` is valid against `components.schemas[schemaName]`. */
  errors(schemaName: string, value: unknown): string[];
}

export function createValidator(options: { closed: boolean }): SpecValidator {
  const spec = loadSpec();
  const schemas = structuredClone(spec.schemas);
  const exportJob = schemas['DiskBackupExportJob'];
  const props = exportJob !== undefined && isObject(exportJob['properties']) ? exportJob['properties'] : {};
  const prefix = props['prefix'];
  if (!isObject(prefix) || prefix['pattern'] !== PREFIX_TEMPLATE_PATTERN) {
    throw new Error('spec changed: DiskBackupExportJob.prefix.pattern is no longer the documentation template');
  }
  delete prefix['pattern'];
  // The fields live Atlas sends beyond the spec (notes §11) are declared, so that the "closed" variant
  // still rejects every other undeclared name.
  for (const [schemaName, fields] of Object.entries(LIVE_EXTRA_FIELDS)) {
    const schema = schemas[schemaName];
    if (schema === undefined || !isObject(schema['properties'])) throw new Error(`spec changed: no ${schemaName}`);
    for (const field of Object.keys(fields)) schema['properties'][field] = { type: 'string' };
  }

  // strict: false tolerates OpenAPI 3.0 annotations (example, discriminator, externalDocs, ...).
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const keyword of ['example', 'externalDocs', 'discriminator', 'xml', 'nullable']) {
    if (ajv.getKeyword(keyword) === false) ajv.addKeyword(keyword);
  }
  ajv.addSchema({ $id: 'atlas', definitions: rewriteRefs(schemas, options.closed) });
  const cache = new Map<string, ValidateFunction>();
  return {
    errors(schemaName, value) {
      let validate = cache.get(schemaName);
      if (validate === undefined) {
        if (spec.schemas[schemaName] === undefined) throw new Error(`no schema ${schemaName}`);
        validate = ajv.getSchema(`atlas#/definitions/${schemaName}`);
        if (validate === undefined) throw new Error(`ajv could not compile ${schemaName}`);
        cache.set(schemaName, validate);
      }
      if (validate(value)) return [];
      return (validate.errors ?? []).map(
        (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
      );
    },
  };
}

export const spec = loadSpec();

export function operation(operationId: string): OperationSpec {
  const op = spec.operations.find((o) => o.operationId === operationId);
  if (op === undefined) throw new Error(`no operation ${operationId}`);
  return op;
}

export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface CallOptions {
  method?: string;
  accept?: string | null;
  token?: string | null;
  body?: unknown;
  contentType?: string | null;
}

/** Calls the simulator like an Atlas client. `accept`/`token` default to the right values; null omits the header. */
export async function call(
  baseUrl: string,
  path: string,
  options: CallOptions & { operationId?: string } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? DEMO.token : options.token;
  if (token !== null) headers['Authorization'] = `Bearer ${token}`;
  const accept =
    options.accept === undefined && options.operationId !== undefined
      ? operation(options.operationId).mediaType
      : options.accept;
  if (accept !== undefined && accept !== null) headers['Accept'] = accept;
  if (options.body !== undefined) {
    const contentType = options.contentType === undefined ? accept : options.contentType;
    if (contentType !== undefined && contentType !== null) headers['Content-Type'] = contentType;
  }
  const res = await fetch(`${baseUrl}${path}`, {
    method: options.method ?? 'GET',
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** Calls an operation by id with its path parameters filled in. */
export function callOp(
  baseUrl: string,
  operationId: string,
  params: Record<string, string>,
  query = '',
  options: CallOptions = {},
): Promise<ApiResponse> {
  const op = operation(operationId);
  const path = fillPath(op.pathTemplate, params) + (query === '' ? '' : `?${query}`);
  return call(baseUrl, path, { method: op.method, operationId, ...options });
}

/** A request with the path sent verbatim (fetch would resolve `..` before sending). */
export function rawGet(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export function asObject(value: unknown): JsonObject {
  if (!isObject(value)) throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  return value;
}

export function results(value: unknown): JsonObject[] {
  const list = asObject(value)['results'];
  if (!Array.isArray(list)) throw new Error('expected a results array');
  return list.map(asObject);
}

export function links(value: unknown): { rel: string; href: string }[] {
  const list = asObject(value)['links'];
  if (!Array.isArray(list)) return [];
  return list.map((l) => {
    const o = asObject(l);
    return { rel: String(o['rel']), href: String(o['href']) };
  });
}

/** A starter of simulators for one test file: each it starts is closed after the file's tests. */
export function simulatorsOfFile(): (options?: SimulatorOptions) => Promise<AtlasSimulator> {
  const started: AtlasSimulator[] = [];
  afterAll(async () => {
    await Promise.all(started.map((s) => s.close()));
  });
  return async (options = {}) => {
    const sim = await startSimulator(options);
    started.push(sim);
    return sim;
  };
}
