import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsPkg from 'ajv-formats';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type {} from 'koa-body';
import type { AppContext } from './auth.js';
import { badRequest } from './errors.js';
import { isPlainObject, withoutBlanks, type SchemaNode } from './blanks.js';

// ajv-formats ships CommonJS with the plugin on `default`.
const addFormats = addFormatsPkg as unknown as (ajv: Ajv) => Ajv;

// Annotations our schemas may carry so that error messages read well:
//  x-rule     the rule in words, appended to the field name ("must be a port number (1-65535)")
//  x-message  the whole message, for rules the contract words itself ("Invalid integration")
//  x-when     the condition under which a conditional rule applies ("when msgCall is given")
//  x-blank-disables  on an object: fields whose blank value turns its `enabled` off (lib/http/blanks.ts)
const ANNOTATIONS = ['x-rule', 'x-message', 'x-when', 'x-blank-disables'];

function newAjv(coerceTypes: boolean): Ajv {
  // strictRequired is off because conditional rules (`then: {required}`) name
  // properties declared on the parent; strictTypes because fields like proxyPort
  // accept a string or a number and carry keywords for both.
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    coerceTypes,
    strict: true,
    strictRequired: false,
    strictTypes: false,
  });
  ajv.addVocabulary(ANNOTATIONS);
  addFormats(ajv);
  return ajv;
}

// Bodies are JSON: a wrong type is an error. Query strings and path params are
// text: numbers and booleans in them are coerced.
const bodyAjv = newAjv(false);
const textAjv = newAjv(true);

type Annotated = { 'x-rule'?: string; 'x-message'?: string; 'x-when'?: string };

function fieldName(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'required' || error.keyword === 'dependencies') {
    path.push(String(error.params.missingProperty));
  }
  if (error.keyword === 'additionalProperties') path.push(String(error.params.additionalProperty));
  return path.reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  boolean: 'a boolean',
  number: 'a number',
  integer: 'an integer',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function typeList(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => ARTICLE[String(t)] ?? String(t)).join(' or ');
}

function rule(error: ErrorObject): string {
  const schema = (error.parentSchema ?? {}) as Annotated;
  const custom = schema['x-rule'];
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'dependencies':
      return `is required when ${String(p.property)} is given`;
    case 'type':
      return `must be ${typeList(p.type)}`;
    case 'enum':
      return custom ?? `must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return custom ?? `must be ${JSON.stringify(p.allowedValue)}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : custom ?? `must be at least ${p.limit} characters long`;
    case 'maxLength':
      return `must be at most ${p.limit} characters long`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return custom ?? `must be ${p.comparison} ${p.limit}`;
    case 'minItems':
      return `must have at least ${p.limit} item(s)`;
    case 'maxItems':
      return `must have at most ${p.limit} item(s)`;
    case 'uniqueItems':
      return 'must not contain duplicates';
    case 'additionalProperties':
      return 'is not allowed';
    case 'format':
      return custom ?? `must be a valid ${p.format}`;
    default:
      return custom ?? error.message ?? 'is invalid';
  }
}

/** One readable message per ajv error: the field, the rule and, for conditional rules, when. */
export function formatErrors(errors: ErrorObject[] | null | undefined, prefix = ''): string[] {
  const messages = new Set<string>();
  for (const error of errors ?? []) {
    // "must match then schema" and "property name must be valid" repeat what the errors inside already say.
    if (error.keyword === 'if' || error.keyword === 'propertyNames') continue;
    const schema = (error.parentSchema ?? {}) as Annotated;
    if (schema['x-message'] && error.keyword !== 'required') {
      messages.add(schema['x-message']);
      continue;
    }
    const field = [prefix, fieldName(error)].filter(Boolean).join('.') || 'body';
    const when = schema['x-when'] ? ` ${schema['x-when']}` : '';
    messages.add(`${field} ${rule(error)}${when}`);
  }
  return [...messages];
}

export function compileBody<T>(schema: object): ValidateFunction<T> {
  return bodyAjv.compile<T>(schema);
}

export function compileText<T>(schema: object): ValidateFunction<T> {
  return textAjv.compile<T>(schema);
}

export type ObjectSchema = Exclude<JSONSchema, boolean>;

/**
 * A body validator that reads a multipart form like a query string: form
 * fields are text, so their numbers and booleans are coerced. JSON bodies
 * keep the strict one. The form one is compiled on first use.
 */
function bodyValidator(schema: object): (ctx: AppContext) => ValidateFunction {
  const json = compileBody(schema);
  let form: ValidateFunction | undefined;
  return (ctx) => (ctx.is('multipart') ? (form ??= compileText(schema)) : json);
}

export interface RouteSchemas {
  body?: ObjectSchema;
  params?: ObjectSchema;
  query?: ObjectSchema;
  /** The status of a successful answer when it is not 200 (Evolution answers 201 for many writes). */
  status?: 201;
  /** The body of a successful answer, for the API description (lib/schemas/*-answers.ts); not checked at run time. */
  answer?: ObjectSchema;
}

/**
 * The schemas each validating middleware was declared with, so that the API
 * description is generated from the very objects requests are checked against.
 */
const declared = new WeakMap<object, RouteSchemas>();

/** The schemas a middleware made by validate() checks, or undefined for any other middleware. */
export function declaredSchemas(middleware: unknown): RouteSchemas | undefined {
  return typeof middleware === 'function' ? declared.get(middleware) : undefined;
}

type Parsed<S, K extends keyof RouteSchemas> = S extends { [P in K]: infer T } ? (T extends ObjectSchema ? FromSchema<T> : never) : undefined;

/** What a route handler is given: each part typed from its schema, after validation. */
export interface ValidRequest<S extends RouteSchemas> {
  body: Parsed<S, 'body'>;
  query: Parsed<S, 'query'>;
  params: Parsed<S, 'params'>;
  /** Dotted paths of the body fields the client sent as "" or null (they were removed as unset). */
  blank: ReadonlySet<string>;
}

export type Handler<S extends RouteSchemas> = (ctx: AppContext, request: ValidRequest<S>) => Promise<void> | void;

/**
 * Validates body, path params and query of a route against its schemas,
 * compiled once when the route is declared, then calls the handler with the
 * typed values. The first failing part answers 400 with every message for
 * that part. Blank values ("" or null) in the body and query are removed
 * first: clients send them for every field a user left empty.
 */
export function validate<S extends RouteSchemas>(schemas: S, handler: Handler<S>): (ctx: AppContext) => Promise<void> {
  const params = schemas.params ? compileText(schemas.params) : undefined;
  const query = schemas.query ? compileText(schemas.query) : undefined;
  const body = schemas.body ? bodyValidator(schemas.body) : undefined;
  const validateRequest = async function validateRequest(ctx: AppContext): Promise<void> {
    const request = { body: undefined, query: undefined, params: undefined, blank: new Set<string>() } as {
      body: unknown;
      query: unknown;
      params: unknown;
      blank: Set<string>;
    };
    if (params) {
      const value = { ...(ctx.params ?? {}) };
      if (!params(value)) throw badRequest(formatErrors(params.errors));
      request.params = value;
    }
    if (query) {
      const value: Record<string, unknown> = withoutBlanks({ ...ctx.query }, schemas.query as SchemaNode, '', new Set());
      if (!query(value)) throw badRequest(formatErrors(query.errors));
      request.query = value;
    }
    if (body) {
      const raw: unknown = ctx.request.body ?? {};
      const value = isPlainObject(raw) ? withoutBlanks(raw, schemas.body as SchemaNode, '', request.blank) : raw;
      const check = body(ctx);
      if (!check(value)) throw badRequest(formatErrors(check.errors));
      request.body = value;
    }
    // An error thrown by the handler replaces it with its own status.
    if (schemas.status) ctx.status = schemas.status;
    await handler(ctx, request as ValidRequest<S>);
  };
  declared.set(validateRequest, schemas);
  return validateRequest;
}
