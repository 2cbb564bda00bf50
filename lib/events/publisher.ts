import type { EventName } from './names.js';
import type { EventPayloads } from './payloads.js';

/** Where events go to be delivered: the dispatcher. Resolves once the event is durable. */
export interface EventPublisher {
  publish<E extends EventName>(instance: string | null, event: E, data: EventPayloads[E]): Promise<void>;
}
