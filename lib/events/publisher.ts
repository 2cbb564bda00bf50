import type { EventName } from './names.js';
import type { EventPayloads } from './payloads.js';

/** Where events go to be delivered: the dispatcher. Resolves once the event is durable. */
export interface EventPublisher {
  publish<E extends EventName>(instance: string | null, event: E, data: EventPayloads[E]): Promise<void>;
  /** The instance's destinations or owner changed: read them again for its next event. */
  forget(instance: string): void;
}
