// Event destinations configured per instance with only a switch and an event
// filter: RabbitMQ, SQS, NATS (and Evolution's websocket, stored but unused).
import { canonicalEvents, type EventAlias, type EventName } from '../events/names.js';
import type { CreateInstanceBody } from '../schemas/instance.js';
import type { EventIntegrationValue } from '../schemas/event-integration.js';

export const EVENT_INTEGRATION_KINDS = ['rabbitmq', 'sqs', 'nats', 'websocket'] as const;
export type EventIntegrationKind = (typeof EVENT_INTEGRATION_KINDS)[number];

/** The kinds a client configures through `/<kind>/set` and create. */
export const BROKER_KINDS = ['rabbitmq', 'sqs', 'nats'] as const;
export type BrokerKind = (typeof BROKER_KINDS)[number];

export interface EventIntegration {
  enabled: boolean;
  /** Empty: every event. */
  events: EventName[];
}

export type BrokerIntegrations = Partial<Record<BrokerKind, EventIntegration>>;

interface Toggle {
  enabled?: boolean;
  events?: readonly (EventName | EventAlias)[];
}

/** Flat fields of create, per kind: `rabbitmqEnabled`, `rabbitmqEvents`, … */
function flatToggle(body: CreateInstanceBody, kind: BrokerKind): Toggle {
  switch (kind) {
    case 'rabbitmq':
      return { enabled: body.rabbitmqEnabled, events: body.rabbitmqEvents };
    case 'sqs':
      return { enabled: body.sqsEnabled, events: body.sqsEvents };
    case 'nats':
      return { enabled: body.natsEnabled, events: body.natsEvents };
  }
}

/** Create accepts `<kind>: {enabled, events}` and the flat fields; the nested form wins. */
export function brokersFromCreate(body: CreateInstanceBody): BrokerIntegrations {
  const out: BrokerIntegrations = {};
  for (const kind of BROKER_KINDS) {
    const nested: Toggle = body[kind] ?? {};
    const flat = flatToggle(body, kind);
    const enabled = nested.enabled ?? flat.enabled;
    const events = nested.events ?? flat.events;
    if (enabled === undefined && events === undefined) continue;
    out[kind] = { enabled: enabled ?? false, events: canonicalEvents(events ?? []) };
  }
  return out;
}

/** A set replaces the integration. */
export function eventIntegrationFromSet(body: EventIntegrationValue): EventIntegration {
  return { enabled: body.enabled, events: canonicalEvents(body.events ?? []) };
}

export function eventIntegrationView(value: Readonly<EventIntegration>) {
  return { enabled: value.enabled, events: value.events };
}
