// Clients of Evolution's API (its manager UI, the n8n node) send "" or null for
// every field a user left empty. Such a value means "not set": it is removed
// before validation, so that an empty optional field is never a 400 and never
// stored. On the `set` routes, an empty address (webhook url, proxy host,
// Chatwoot account) switches that configuration off: the schema of such an
// object lists those fields under `x-blank-disables`.

/** The part of a JSON Schema this walk reads. */
export interface SchemaNode {
  readonly properties?: { readonly [name: string]: SchemaNode };
  readonly 'x-blank-disables'?: readonly string[];
  readonly [keyword: string]: unknown;
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isBlank = (value: unknown) => value === '' || value === null;

/**
 * A copy of `value` without its blank fields, at every level the schema
 * describes as an object. Each removed field's dotted path is added to `blank`.
 */
export function withoutBlanks(
  value: Record<string, unknown>,
  schema: SchemaNode | undefined,
  path: string,
  blank: Set<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let disabled = false;
  for (const [key, field] of Object.entries(value)) {
    // Never copied: assigning it would replace the copy's prototype.
    if (key === '__proto__') continue;
    const fieldPath = path ? `${path}.${key}` : key;
    if (isBlank(field)) {
      blank.add(fieldPath);
      if (schema?.['x-blank-disables']?.includes(key)) disabled = true;
      continue;
    }
    const fieldSchema = schema?.properties?.[key];
    out[key] = isPlainObject(field) && fieldSchema?.properties ? withoutBlanks(field, fieldSchema, fieldPath, blank) : field;
  }
  if (disabled) out.enabled = false;
  return out;
}
