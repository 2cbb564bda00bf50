import { STATUS_CODES } from 'node:http';
import { accessOf, type Access } from './auth.js';
import { uploadFieldOf } from './multipart-upload.js';
import type { RouteEntry } from './route-table.js';
import { declaredSchemas, type ObjectSchema, type RouteSchemas } from './validate.js';

// The API description is generated from the routers as they are mounted: the
// path and method of each route, the schemas its validate() checks, the key
// its auth middleware asks for, whether it reads a multipart form and the body
// it answers. A route added anywhere is described without touching this file.

/**
 * The success answer of a route, for the API description: validate() routes
 * carry it as `answer:`, any other middleware is marked with answers().
 */
export interface DescribedAnswer {
  /** JSON Schema of the body: of the JSON, or of the text when `type` names a text type. */
  body: ObjectSchema;
  /** The content type when it is not application/json. */
  type?: string;
  /** Statuses of its own answered with a body of the same shape (a health check's 503), each with what it means. */
  statuses?: Record<number, string>;
}

const documentedAnswers = new WeakMap<object, DescribedAnswer>();

/** Marks a handler with the answer it gives, for the API description. Returns the handler unchanged. */
export function answers<H extends object>(answer: DescribedAnswer, handler: H): H {
  documentedAnswers.set(handler, answer);
  return handler;
}

/** An answer that is not JSON (a page, a script, an image, Prometheus' text), by its content type. */
export function textAnswer(contentType: string, description: string): DescribedAnswer {
  // The media type alone: parameters such as charset are not part of an OpenAPI content key.
  return { type: contentType.split(';')[0].trim(), body: { type: 'string', description } };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const ERROR_REF = { $ref: '#/components/responses/Error' } as const;

const ACCESS_TEXT: Record<Access, string> = {
  global: 'Needs the global API key.',
  instance: "Needs the global API key or the token of the instance named in the path.",
  any: 'Needs the global API key, or an instance token (the answer then covers that instance only).',
};

/**
 * A request schema (ajv, draft-07) as OpenAPI 3.1 reads it (JSON Schema
 * 2020-12): `dependencies` is split into its 2020-12 keywords. The `x-`
 * keywords our error messages use stay, as OpenAPI allows extensions in a
 * schema. The input is not modified.
 */
export function toOpenApiSchema(schema: unknown): Json {
  if (Array.isArray(schema)) return schema.map(toOpenApiSchema);
  if (schema === null || typeof schema !== 'object') return schema as Json;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (key === 'dependencies') {
      Object.assign(out, splitDependencies(value as Record<string, unknown>));
      continue;
    }
    out[key] = toOpenApiSchema(value);
  }
  return out;
}

function splitDependencies(dependencies: Record<string, unknown>): JsonObject {
  const required: JsonObject = {};
  const schemas: JsonObject = {};
  for (const [name, rule] of Object.entries(dependencies)) {
    if (Array.isArray(rule)) required[name] = rule.map(String);
    else schemas[name] = toOpenApiSchema(rule);
  }
  const out: JsonObject = {};
  if (Object.keys(required).length > 0) out.dependentRequired = required;
  if (Object.keys(schemas).length > 0) out.dependentSchemas = schemas;
  return out;
}

/** `/chat/findChats/:instanceName` as OpenAPI writes it: `/chat/findChats/{instanceName}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]);
}

function propertiesOf(schema: RouteSchemas['query']): [string, unknown][] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return Object.entries(properties ?? {});
}

function requiredOf(schema: unknown): string[] {
  const required = (schema as { required?: unknown } | undefined)?.required;
  return Array.isArray(required) ? required.map(String) : [];
}

function parameters(route: RouteEntry, schemas: RouteSchemas | undefined): Json[] {
  const declared = new Map(propertiesOf(schemas?.params));
  const path = pathParamNames(route.path).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: toOpenApiSchema(declared.get(name) ?? { type: 'string' }),
  }));
  const required = new Set(requiredOf(schemas?.query));
  const query = propertiesOf(schemas?.query).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: toOpenApiSchema(schema),
  }));
  return [...path, ...query];
}

/**
 * The multipart form of a media route: the JSON body's fields as form
 * fields, plus the media as a `file` part, which makes the media field
 * itself optional.
 */
function multipartSchema(body: Json, mediaField: string): Json {
  const schema = body as JsonObject;
  const properties = (schema.properties ?? {}) as JsonObject;
  const required = (Array.isArray(schema.required) ? schema.required : []).filter((name) => name !== mediaField);
  return {
    ...schema,
    properties: {
      ...properties,
      file: { type: 'string', contentMediaType: 'application/octet-stream', description: `The media; instead of ${mediaField}.` },
    },
    required,
  };
}

function requestBody(schemas: RouteSchemas | undefined, mediaField: string | undefined): Json | undefined {
  if (!schemas?.body) return undefined;
  const schema = toOpenApiSchema(schemas.body);
  const content: JsonObject = { 'application/json': { schema } };
  if (mediaField) content['multipart/form-data'] = { schema: multipartSchema(schema, mediaField) };
  return { required: true, content };
}

function markedAnswer(route: RouteEntry): DescribedAnswer | undefined {
  return route.middleware.map((middleware) => (typeof middleware === 'function' ? documentedAnswers.get(middleware) : undefined)).find(Boolean);
}

function responses(route: RouteEntry, schemas: RouteSchemas | undefined, access: Access | undefined): JsonObject {
  const success = schemas?.status ?? 200;
  const described: DescribedAnswer | undefined = schemas?.answer ? { body: schemas.answer } : markedAnswer(route);
  const content = described ? { [described.type ?? 'application/json']: { schema: toOpenApiSchema(described.body) } } : undefined;
  const out: JsonObject = { [String(success)]: { description: STATUS_CODES[success] ?? 'Success', ...(content ? { content } : {}) } };
  for (const [status, description] of Object.entries(described?.statuses ?? {})) out[status] = { description, ...(content ? { content } : {}) };
  if (schemas) out['400'] = { $ref: '#/components/responses/Error', description: 'The request does not meet the schema' } as unknown as Json;
  if (access) out['401'] = ERROR_REF;
  if (access === 'instance') out['404'] = ERROR_REF;
  out['4XX'] = ERROR_REF;
  out['5XX'] = ERROR_REF;
  return out;
}

function operationId(route: RouteEntry): string {
  const words = route.path.split(/[^A-Za-z0-9]+/).filter((word) => word !== '' && word !== 'instanceName');
  return [route.method.toLowerCase(), ...words.map((word) => word[0].toUpperCase() + word.slice(1))].join('');
}

function operation(route: RouteEntry, id: string): JsonObject {
  const schemas = route.middleware.map(declaredSchemas).find((found) => found !== undefined);
  const access = route.middleware.map(accessOf).find((found) => found !== undefined);
  const mediaField = route.middleware.map(uploadFieldOf).find((found) => found !== undefined);
  const tag = route.path.split('/')[1] || 'service';
  const op: JsonObject = {
    tags: [tag],
    operationId: id,
    description: access ? ACCESS_TEXT[access] : 'Needs no key.',
    security: access ? [{ apikey: [] }] : [],
    parameters: parameters(route, schemas),
    responses: responses(route, schemas, access),
  };
  const body = requestBody(schemas, mediaField);
  if (body) op.requestBody = body;
  return op;
}

const ERROR_BODY = {
  type: 'object',
  required: ['status', 'error', 'response'],
  properties: {
    status: { type: 'integer', description: 'The HTTP status again.' },
    error: { type: 'string', description: 'The HTTP reason phrase, e.g. "Bad Request".' },
    response: {
      type: 'object',
      required: ['message'],
      properties: { message: { type: 'array', items: { type: 'string' }, description: 'One message per problem found.' } },
    },
  },
} as const;

export interface ApiInfo {
  version: string;
}

/** The OpenAPI 3.1 document of every route in the table. */
export function openApiDocument(routes: RouteEntry[], info: ApiInfo): JsonObject {
  const paths: Record<string, JsonObject> = {};
  const seen = new Set<string>();
  const ids = new Set<string>();
  for (const route of routes) {
    const path = openApiPath(route.path);
    const method = route.method.toLowerCase();
    // A route declared twice answers from its first declaration.
    if (seen.has(`${method} ${path}`)) continue;
    seen.add(`${method} ${path}`);
    paths[path] ??= {};
    let id = operationId(route);
    for (let n = 2; ids.has(id); n += 1) id = `${operationId(route)}${n}`;
    ids.add(id);
    paths[path][method] = operation(route, id);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'wa-gateway',
      version: info.version,
      description: 'Self-hosted WhatsApp API gateway, compatible with Evolution API v2. Generated from the schemas requests are validated against.',
    },
    paths,
    components: {
      securitySchemes: {
        apikey: {
          type: 'apiKey',
          in: 'header',
          name: 'apikey',
          description: 'The global API key (AUTHENTICATION_API_KEY), or an instance token where the route says so.',
        },
      },
      schemas: { ErrorBody: ERROR_BODY as unknown as Json },
      responses: {
        Error: {
          description: 'An error, in the Evolution API shape.',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
        },
      },
    },
  };
}
