// Reads the Atlas spec subset and turns it into the routing table the simulator serves.
// The spec is the single source of truth for paths, parameter rules and version media types, so the
// simulator cannot drift from what the gateway's generated client expects.
import { readFileSync } from 'node:fs';

/** Resolved from this module so it works from both src/simulator (tsx) and dist/simulator (compiled). */
export const SPEC_URL = new URL('../../spec/atlas-backup-subset.openapi.json', import.meta.url);

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface ParamSpec {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  type: 'string' | 'integer' | 'boolean';
  /** Source text of the spec's pattern (reported back in validation errors). */
  patternSource: string | null;
  pattern: RegExp | null;
  minimum: number | null;
  maximum: number | null;
}

export type PathSegment = { literal: string } | { param: string };

export interface OperationSpec {
  operationId: string;
  method: HttpMethod;
  pathTemplate: string;
  segments: PathSegment[];
  /** The version media type (`application/vnd.atlas.<date>+json`) the operation must be called with. */
  mediaType: string;
  successStatus: number;
  /** Name of the success response schema in `components.schemas`, or null when there is no body (204). */
  responseSchema: string | null;
  /** Media type of the request body, when the operation takes one. */
  requestMediaType: string | null;
  params: ParamSpec[];
  deprecated: boolean;
}

export interface LoadedSpec {
  operations: OperationSpec[];
  /** `components.schemas`, untouched. */
  schemas: Record<string, JsonObject>;
}

function refName(ref: unknown): string | null {
  if (typeof ref !== 'string') return null;
  const match = /^#\/components\/(?:schemas|parameters)\/(.+)$/.exec(ref);
  return match?.[1] ?? null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

function parseParam(raw: unknown, shared: JsonObject, where: string): ParamSpec {
  let param = raw;
  if (isObject(raw) && '$ref' in raw) {
    const name = refName(raw['$ref']);
    param = name === null ? undefined : shared[name];
  }
  if (!isObject(param)) throw new Error(`spec: unresolvable parameter in ${where}`);
  const name = str(param['name']);
  const location = str(param['in']);
  const schema = isObject(param['schema']) ? param['schema'] : {};
  const type = str(schema['type']) ?? 'string';
  if (name === null || (location !== 'path' && location !== 'query' && location !== 'header')) {
    throw new Error(`spec: malformed parameter in ${where}`);
  }
  if (type !== 'string' && type !== 'integer' && type !== 'boolean') {
    throw new Error(`spec: unsupported parameter type ${type} for ${name} in ${where}`);
  }
  const patternSource = str(schema['pattern']);
  return {
    name,
    in: location,
    required: param['required'] === true || location === 'path',
    type,
    patternSource,
    // The spec's patterns use \p{...} classes, which need the unicode flag.
    pattern: patternSource === null ? null : new RegExp(patternSource, 'u'),
    minimum: num(schema['minimum']),
    maximum: num(schema['maximum']),
  };
}

function parseSegments(pathTemplate: string): PathSegment[] {
  return pathTemplate
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      const match = /^\{(.+)\}$/.exec(s);
      return match?.[1] !== undefined ? { param: match[1] } : { literal: s };
    });
}

export function parseSpec(document: unknown): LoadedSpec {
  if (!isObject(document) || !isObject(document['paths']) || !isObject(document['components'])) {
    throw new Error('spec: not an OpenAPI document');
  }
  const components = document['components'];
  const sharedParams = isObject(components['parameters']) ? components['parameters'] : {};
  const rawSchemas = isObject(components['schemas']) ? components['schemas'] : {};
  const schemas: Record<string, JsonObject> = {};
  for (const [name, schema] of Object.entries(rawSchemas)) {
    if (isObject(schema)) schemas[name] = schema;
  }

  const operations: OperationSpec[] = [];
  for (const [pathTemplate, item] of Object.entries(document['paths'])) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method.toLowerCase()];
      if (!isObject(op)) continue;
      const operationId = str(op['operationId']);
      if (operationId === null) throw new Error(`spec: ${method} ${pathTemplate} has no operationId`);
      const responses = isObject(op['responses']) ? op['responses'] : {};
      const success = Object.entries(responses).find(([status]) => status.startsWith('2'));
      if (success === undefined || !isObject(success[1])) {
        throw new Error(`spec: ${operationId} has no success response`);
      }
      const content = isObject(success[1]['content']) ? success[1]['content'] : {};
      const mediaType = Object.keys(content).find((t) => t.startsWith('application/vnd.atlas.'));
      if (mediaType === undefined) throw new Error(`spec: ${operationId} has no versioned media type`);
      const media = content[mediaType];
      const responseSchema = isObject(media) && isObject(media['schema']) ? refName(media['schema']['$ref']) : null;
      const requestContent =
        isObject(op['requestBody']) && isObject(op['requestBody']['content']) ? op['requestBody']['content'] : {};
      const params = (Array.isArray(op['parameters']) ? op['parameters'] : []).map((p) =>
        parseParam(p, sharedParams, operationId),
      );
      operations.push({
        operationId,
        method,
        pathTemplate,
        segments: parseSegments(pathTemplate),
        mediaType,
        successStatus: Number(success[0]),
        responseSchema,
        requestMediaType: Object.keys(requestContent)[0] ?? null,
        params,
        deprecated: op['deprecated'] === true,
      });
    }
  }
  return { operations, schemas };
}

let cached: LoadedSpec | undefined;

/** Loads and parses the spec once per process (it is read-only). */
export function loadSpec(): LoadedSpec {
  cached ??= parseSpec(JSON.parse(readFileSync(SPEC_URL, 'utf8')) as unknown);
  return cached;
}

/**
 * Fields live Atlas sends that a schema of the spec lacks, by schema: what each is worth, derived from the
 * stored object (absent when it returns undefined). Confirmed from recordings (notes §11): restore jobs
 * carry `targetDeploymentItemName`, the name of the deployment restored into, when they have a target.
 * Sent so that clients meet, as against Atlas, fields their spec-generated types do not know.
 */
export const LIVE_EXTRA_FIELDS: Readonly<Record<string, Readonly<Record<string, (value: object) => unknown>>>> = {
  DiskBackupSnapshotRestoreJob: {
    targetDeploymentItemName: (job) => {
      const target = 'targetClusterName' in job ? job.targetClusterName : undefined;
      return typeof target === 'string' && target !== '' ? target : undefined;
    },
  },
};

/**
 * Keeps only the top-level properties the named schema declares, plus the schema's LIVE_EXTRA_FIELDS.
 * Store records may carry more (a sharded snapshot has `members`, a replica-set list item must not), and
 * Atlas answers each operation with its own schema's fields (and the few extras it is seen to send).
 */
export function projectToSchema(spec: LoadedSpec, schemaName: string, value: object): JsonObject {
  const schema = spec.schemas[schemaName];
  const properties = schema !== undefined && isObject(schema['properties']) ? schema['properties'] : null;
  if (properties === null) throw new Error(`spec: schema ${schemaName} has no properties`);
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    // A write-only property is a request's (a legacy restore's checkpointId): Atlas does not send it back.
    const property = properties[key];
    if (property !== undefined && v !== undefined && !(isObject(property) && property['writeOnly'] === true))
      out[key] = v;
  }
  for (const [key, derive] of Object.entries(LIVE_EXTRA_FIELDS[schemaName] ?? {})) {
    const v = derive(value);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * A schema property's `pattern`, compiled as the spec means it: Unicode-aware, since Atlas's patterns use
 * property escapes such as `\p{L}`. Throws when the spec has no such pattern (the spec changed).
 */
export function propertyPattern(spec: LoadedSpec, schemaName: string, property: string): RegExp {
  const schema = spec.schemas[schemaName];
  const properties = schema !== undefined && isObject(schema['properties']) ? schema['properties'] : null;
  const prop = properties?.[property];
  const pattern = isObject(prop) ? prop['pattern'] : undefined;
  if (typeof pattern !== 'string') throw new Error(`spec: ${schemaName}.${property} has no pattern`);
  return new RegExp(pattern, 'u');
}

/** Item schema of a `Paginated*` schema's `results` array. */
export function resultsItemSchema(spec: LoadedSpec, paginatedSchema: string): string | null {
  const schema = spec.schemas[paginatedSchema];
  const properties = schema !== undefined && isObject(schema['properties']) ? schema['properties'] : null;
  const results = properties?.['results'];
  if (!isObject(results) || !isObject(results['items'])) return null;
  return refName(results['items']['$ref']);
}
