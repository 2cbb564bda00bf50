// Small conversions between database rows and domain values, shared by repositories.

export const nowIso = (): string => new Date().toISOString();

/** SQLite returns booleans as 0/1, PostgreSQL as booleans. */
export const bool = (value: unknown): boolean => value === true || value === 1 || value === '1';

export function jsonOr<T>(text: unknown, fallback: T): T {
  if (typeof text !== 'string' || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export type Row = Record<string, unknown>;

export const str = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

export const strOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);
