import type { FromSchema } from 'json-schema-to-ts';
import type { Satisfies } from './answer-check.js';

// Schema fragments that the answers of more than one route family are built
// of, for the API description (lib/http/openapi.ts).

/** When a row was stored and last changed. */
export const timestamps = {
  createdAt: { type: 'string', format: 'date-time' },
  updatedAt: { type: 'string', format: 'date-time' },
} as const;

/** The fields Evolution adds to a stored configuration (withRow in lib/http/presenters.ts). */
export const rowFields = { ...timestamps, instanceId: { type: 'string' } } as const;

const ROW_FIELDS = ['createdAt', 'updatedAt', 'instanceId'] as const;

/** A configuration's view as stored: with its row fields. */
export function storedRow<P extends object, R extends readonly string[]>(view: { readonly properties: P; readonly required: R }) {
  return { type: 'object', required: [...view.required, ...ROW_FIELDS], properties: { ...view.properties, ...rowFields } } as const;
}

/** A configuration's view as a set answers it: the row fields are there once it is stored. */
export function savedRow<P extends object, R extends readonly string[]>(view: { readonly properties: P; readonly required: R }) {
  return { type: 'object', required: [...view.required, 'instanceId'], properties: { ...view.properties, ...rowFields } } as const;
}

type WithInstance<K extends string, V> = {
  readonly type: 'object';
  readonly required: readonly [K];
  readonly properties: {
    readonly [P in K]: {
      readonly type: 'object';
      readonly required: readonly ['instanceName', 'instanceId', K];
      readonly properties: { readonly instanceName: { readonly type: 'string' }; readonly instanceId: { readonly type: 'string' } } & { readonly [Q in K]: V };
    };
  };
};

/** `{ <key>: { instanceName, instanceId, <key>: view } }`: Evolution's answer to a set of settings or of a proxy. */
export function withInstance<K extends string, V extends object>(key: K, view: V): WithInstance<K, V> {
  const inner = {
    type: 'object',
    required: ['instanceName', 'instanceId', key],
    properties: { instanceName: { type: 'string' }, instanceId: { type: 'string' }, [key]: view },
  };
  // A computed key reads as an index signature: the type says which key it is.
  return { type: 'object', required: [key], properties: { [key]: inner } } as unknown as WithInstance<K, V>;
}

/** `schema`, or null where nothing is found or stored. */
export function orNull<S extends object>(schema: S) {
  return { anyOf: [schema, { type: 'null' }] } as const;
}

/** What Evolution answers for a change that returns nothing of its own. */
export const updatedAnswer = { type: 'object', required: ['update'], properties: { update: { const: 'success' } } } as const;

export const UPDATE_DONE = { update: 'success' } as const;

export type UpdatedAnswer = Satisfies<typeof UPDATE_DONE, FromSchema<typeof updatedAnswer>>;
