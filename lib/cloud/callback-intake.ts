// The durable half of /webhook/meta: each `messages` change is stored for the
// Business instance whose number it names before Meta is answered 200; the
// inbox turns them into events afterwards.
import type { Instance } from '../db/instances.js';
import type { NewMetaCallback } from '../db/meta-callbacks.js';
import type { Logger } from '../logger.js';
import type { MessagesChange } from './meta-webhook.js';

export interface CallbackIntakeDeps {
  instances: { findBusinessByNumber(phoneNumberId: string): Promise<Instance | undefined> };
  callbacks: { append(callbacks: NewMetaCallback[]): Promise<void> };
  inbox: { wake(instanceId: string): void };
  logger: Logger;
}

export interface Intake {
  /** Changes kept for a Business instance. */
  stored: number;
  /** Changes for numbers no Business instance has: logged and dropped. */
  dropped: number;
}

export class CallbackIntake {
  constructor(private readonly deps: CallbackIntakeDeps) {}

  /** Resolves once the changes are durable; the inbox is woken for each instance. */
  async accept(changes: MessagesChange[]): Promise<Intake> {
    const rows: NewMetaCallback[] = [];
    const owners = new Map<string, Instance | undefined>();
    let dropped = 0;
    for (const change of changes) {
      if (!owners.has(change.phoneNumberId)) owners.set(change.phoneNumberId, await this.deps.instances.findBusinessByNumber(change.phoneNumberId));
      const instance = owners.get(change.phoneNumberId);
      if (!instance) {
        dropped += 1;
        continue;
      }
      rows.push({ instanceId: instance.id, value: JSON.stringify(change.value) });
    }
    if (dropped > 0) {
      const unknown = changes.map((c) => c.phoneNumberId).filter((id) => !owners.get(id));
      this.deps.logger.warn({ phoneNumberIds: [...new Set(unknown)], changes: dropped }, 'Meta callback for a number no Business instance has; dropped');
    }
    await this.deps.callbacks.append(rows);
    for (const instanceId of new Set(rows.map((row) => row.instanceId))) this.deps.inbox.wake(instanceId);
    return { stored: rows.length, dropped };
  }
}
