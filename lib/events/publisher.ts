import type { EventName } from './names.js';
import type { EventPayloads } from './payloads.js';

/**
 * The instance an event belongs to. Its id keys the outbox rows and the
 * cached destinations: a later instance of the same name is another owner.
 */
export interface EventOwner {
  id: string;
  name: string;
}

/** Where events go to be delivered: the dispatcher. Resolves once the event is durable. */
export interface EventPublisher {
  /** `null` for server-wide events. */
  publish<E extends EventName>(instance: EventOwner | null, event: E, data: EventPayloads[E]): Promise<void>;
  /** The instance's destinations or owner changed: read them again for its next event. */
  forget(instance: EventOwner): void;
}
