// Meta's published request schemas (cloud-api.json), compiled: the peer refuses what they refuse.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsPkg from 'ajv-formats';
import document from './cloud-api.json' with { type: 'json' };

export const MESSAGE_KINDS = ['text', 'audio', 'document', 'image', 'location', 'video', 'sticker', 'reaction', 'interactive', 'template', 'contacts'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
export type Operation = keyof typeof document.requestBodies | `message:${MessageKind}`;

/**
 * What is wrong with a body, sorted the way Graph sorts it: `missing` (a required parameter
 * is absent) and `unexpected` (a parameter of the wrong JSON type, or one the object does
 * not have) are Graph's own (#100) checks; `invalid` is a value the Cloud API refuses (131009).
 */
export interface Violation {
  kind: 'missing' | 'unexpected' | 'invalid';
  details: string;
}

// ajv-formats ships CommonJS with the plugin on `default`.
const addFormats = addFormatsPkg as unknown as (ajv: Ajv, formats: string[]) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv, ['uri', 'email', 'date']);
ajv.addSchema({ $id: 'cloud-api', components: document.components });
const compiled = new Map<Operation, ValidateFunction>();

const kindSchema = (kind: MessageKind) => `${kind.charAt(0).toUpperCase()}${kind.slice(1)}Message`;

function schemaOf(operation: Operation): object {
  if (operation.startsWith('message:')) return { $ref: `cloud-api#/components/schemas/${kindSchema(operation.slice(8) as MessageKind)}` };
  const body = document.requestBodies[operation as keyof typeof document.requestBodies];
  return { $ref: body.$ref.replace('#/', 'cloud-api#/') };
}

function validator(operation: Operation): ValidateFunction {
  const known = compiled.get(operation);
  if (known) return known;
  const made = ajv.compile(schemaOf(operation));
  compiled.set(operation, made);
  return made;
}

/** Graph names a parameter as `text['body']`. */
function parameterName(path: string, missing?: string): string {
  const parts = path.split('/').filter(Boolean);
  if (missing) parts.push(missing);
  if (parts.length === 0) return 'body';
  return parts[0] + parts.slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `['${p}']`)).join('');
}

// Errors that only say "some branch failed" name no parameter: the branch's own errors do.
const COMPOSITE = new Set(['oneOf', 'anyOf', 'allOf', 'if', 'not']);

/** The oneOf branches an error lies in: its schema path up to each `oneOf/N`. */
function branchesOf(error: ErrorObject): string[] {
  return [...error.schemaPath.matchAll(/oneOf\/\d+/g)].map((m) => error.schemaPath.slice(0, (m.index ?? 0) + m[0].length));
}

/**
 * A oneOf branch whose own fixed value (an action's `name`) the body does not have is not
 * the branch the body meant: its other complaints are noise. Kept when nothing else is left.
 */
function meantBranches(errors: ErrorObject[]): ErrorObject[] {
  const fixedValue = /^(.*oneOf\/\d+)\/properties\/[^/]+\/(?:enum|const)$/;
  const mismatched = new Set(errors.map((e) => e.schemaPath.match(fixedValue)?.[1]).filter((b) => b !== undefined));
  const kept = errors.filter((e) => !branchesOf(e).some((b) => mismatched.has(b)));
  return kept.length > 0 ? kept : errors;
}

/**
 * The error Meta would name: of the errors found, the deepest one (a oneOf over several
 * actions reports every branch; the branch the body meant is the one it got furthest in).
 * A missing property sits half a level below its parent, so that at equal depth a wrong
 * value the body holds wins over a property another branch would have wanted.
 */
function mostSpecific(errors: ErrorObject[]): Violation {
  const depth = (e: ErrorObject) => e.instancePath.split('/').length + (e.keyword === 'required' ? 0.5 : 0);
  const named = meantBranches(errors.filter((e) => !COMPOSITE.has(e.keyword)));
  const pool = named.length > 0 ? named : errors;
  const chosen = pool.reduce((best, e) => (depth(e) > depth(best) ? e : best));
  if (chosen.keyword === 'required') {
    // Alternatives (a media object's id or link) are missing together: name them all.
    const alternatives = pool
      .filter((e) => e.keyword === 'required' && e.instancePath === chosen.instancePath)
      .map((e) => parameterName(e.instancePath, (e.params as { missingProperty: string }).missingProperty));
    return { kind: 'missing', details: `The parameter ${[...new Set(alternatives)].join(' or ')} is required.` };
  }
  if (chosen.keyword === 'additionalProperties') {
    const extra = (chosen.params as { additionalProperty: string }).additionalProperty;
    return { kind: 'unexpected', details: `Param ${parameterName(chosen.instancePath, extra)} is not a valid parameter.` };
  }
  if (chosen.keyword === 'type') {
    return { kind: 'unexpected', details: `Param ${parameterName(chosen.instancePath)} ${chosen.message ?? 'has the wrong type'}.` };
  }
  return { kind: 'invalid', details: `Param ${parameterName(chosen.instancePath)} ${chosen.message ?? 'is invalid'}.` };
}

/** null when the body matches, else what Meta would say is wrong with it. */
export function violation(operation: Operation, body: unknown): Violation | null {
  const validate = validator(operation);
  if (validate(body)) return null;
  return mostSpecific(validate.errors ?? []);
}

export const examples = document.examples;
