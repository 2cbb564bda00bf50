// Compile-time checks that an answer built from a domain type is an instance
// of the schema the API description gives it: `Satisfies<Plain<Built>, FromSchema<typeof schema>>`
// fails to compile when they part.

/**
 * A type compared field by field, as a plain object type: a schema that allows
 * more fields reads as a type with an index signature, which interfaces lack.
 */
export type Plain<T> = T extends object ? { [K in keyof T]: Plain<T[K]> } : T;

export type Satisfies<Actual extends Wanted, Wanted> = Actual;
