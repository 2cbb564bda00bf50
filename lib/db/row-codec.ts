// How a configuration value is stored: one column per field, named after it in
// snake_case, converted by the type of the field in a template value (the
// configuration's defaults). Adding a field to a configuration therefore needs
// no code here, only its column in a migration.
import { bool, jsonOr, str, strOrNull, type Row } from './rows.js';

export interface RowCodec<T> {
  toRow(value: T): Row;
  fromRow(row: Row): T;
}

const snakeCase = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

type Conversion = { write(value: unknown): unknown; read(column: unknown): unknown };

function conversionFor(example: unknown): Conversion {
  if (typeof example === 'boolean') return { write: (v) => v, read: bool };
  if (typeof example === 'number') return { write: (v) => v, read: (c) => Number(c) };
  if (typeof example === 'string') return { write: (v) => v, read: str };
  // null in the template: an optional text.
  if (example === null) return { write: (v) => v, read: strOrNull };
  // Arrays and objects are stored as JSON text.
  return { write: (v) => JSON.stringify(v), read: (c) => jsonOr(c, example) };
}

export function rowCodec<T extends object>(template: Readonly<T>): RowCodec<T> {
  const fields = Object.entries(template).map(([field, example]) => ({ field, column: snakeCase(field), ...conversionFor(example) }));
  return {
    toRow(value) {
      const row: Row = {};
      for (const { field, column, write } of fields) row[column] = write((value as Record<string, unknown>)[field]);
      return row;
    },
    fromRow(row) {
      const value: Record<string, unknown> = {};
      for (const { field, column, read } of fields) value[field] = read(row[column]);
      return value as T;
    },
  };
}
