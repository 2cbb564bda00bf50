import type { EventName } from './names.js';

/** Where events go to be delivered: the dispatcher. Resolves once the event is durable. */
export interface EventPublisher {
  publish(instance: string | null, event: EventName, data: unknown): Promise<void>;
}
