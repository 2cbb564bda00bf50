import type { FromSchema } from 'json-schema-to-ts';
import { toggleWithEvents } from './common.js';

const integrationValue = { ...toggleWithEvents, required: ['enabled'] } as const;

export type EventIntegrationValue = FromSchema<typeof integrationValue>;

/** `{ <kind>: { enabled, events } }`, the same for RabbitMQ, SQS and NATS. */
export function setEventIntegrationBody<K extends string>(kind: K) {
  return {
    type: 'object',
    required: [kind],
    properties: { [kind]: integrationValue },
  } as unknown as {
    readonly type: 'object';
    readonly required: readonly [K];
    readonly properties: { readonly [P in K]: typeof integrationValue };
  };
}
