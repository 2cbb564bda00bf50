// Chatwoot's published request schemas, compiled: the peer refuses what they refuse.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import swagger from './chatwoot-swagger.json' with { type: 'json' };

export type Operation = keyof typeof swagger.requestBodies;

function compiler(coerceTypes: boolean): Ajv {
  // OpenAPI words ajv does not know: documentation only, nothing to check.
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes, formats: { binary: true, 'date-time': true } });
  ajv.addVocabulary(['example', 'discriminator']);
  ajv.addSchema({ $id: 'swagger', components: swagger.components });
  return ajv;
}

// Multipart fields arrive as text: Rails casts them, so the multipart form is coerced.
const json = compiler(false);
const multipart = compiler(true);
const compiled = new Map<string, ValidateFunction>();

/** `#/components/x` inside the fixture points at the registered document. */
function resolvable(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"swagger#/components/'));
}

function validator(operation: Operation, form: 'json' | 'multipart'): ValidateFunction {
  const key = `${form}:${operation}`;
  const known = compiled.get(key);
  if (known) return known;
  const made = (form === 'json' ? json : multipart).compile(resolvable(swagger.requestBodies[operation]) as object);
  compiled.set(key, made);
  return made;
}

const describe = (error: ErrorObject) => `${error.instancePath || 'body'} ${error.message ?? 'is invalid'}`;

/** null when the body matches, else the reasons it does not. */
export function violations(operation: Operation, body: unknown, form: 'json' | 'multipart' = 'json'): string[] | null {
  const validate = validator(operation, form);
  return validate(body) ? null : (validate.errors ?? []).map(describe);
}
