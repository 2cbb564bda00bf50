// Turns the callbacks /webhook/meta stored into the events and store records a
// Baileys instance would give. Each instance's callbacks are handled in
// arrival order, one instance apart from another; a row is deleted only once
// its records and events are durable, so a crash in between handles it again
// (at least once; the event ids stay the same, see event-id.ts).
import { Actor } from '../actor/actor.js';
import { backoffDelay } from '../backoff.js';
import type { Instance } from '../db/instances.js';
import type { MetaCallback } from '../db/meta-callbacks.js';
import type { EventName } from '../events/names.js';
import type { EventPayloads } from '../events/payloads.js';
import type { EventOwner } from '../events/publisher.js';
import type { Logger } from '../logger.js';
import type { StoreRequest, StoreResultOf } from '../store/protocol.js';
import type { GraphClient } from './graph-client.js';
import { stableEventId } from './event-id.js';
import type { InboxMessage } from './inbox-messages.js';
import { inboundMessages, unmappedKinds, type InboundMessage } from './inbound-messages.js';
import { statusChanges, type StatusChange } from './inbound-statuses.js';

export interface InboxDeps {
  callbacks: {
    pending(instanceId: string, limit: number): Promise<MetaCallback[]>;
    instancesWithPending(): Promise<string[]>;
    remove(id: number): Promise<void>;
    failed(callback: MetaCallback, error: string, maxAttempts: number): Promise<boolean>;
    restoreSetAside(): Promise<number>;
  };
  instances: { findById(id: string): Promise<Instance | undefined> };
  contacts: { list(instanceId: string, filter: { remoteJid?: string }): Promise<{ pushName: string | null }[]> };
  /** The store: answers a write once it is durable. */
  store: { serve<R extends StoreRequest>(instanceId: string, request: R): Promise<StoreResultOf<R>> };
  /** The dispatcher: resolves once the event is in the outbox. */
  events: {
    publish<E extends EventName>(instance: EventOwner, event: E, data: EventPayloads[E], options?: { eventId?: string }): Promise<void>;
  };
  clients: { clientFor(instance: Instance): Promise<GraphClient> };
  logger: Logger;
  /** First wait before a failed drain is tried again; it doubles with each failure in a row, up to a minute. */
  retryMs?: number;
  /** Tries of one callback before it is set aside (kept, tried again at the next start) so the ones after it go on. */
  maxAttempts?: number;
}

const BATCH = 20;

interface Lane {
  /** Woken while draining: look again once this drain ends. */
  again: boolean;
}

export class Inbox extends Actor<InboxMessage> {
  private readonly lanes = new Map<string, Lane>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  /** Failed drains in a row, per instance: a callback that keeps failing waits longer each time, until it is set aside. */
  private readonly failures = new Map<string, number>();
  private stopping = false;
  private stopWaiters: ((value: void) => void)[] = [];

  constructor(private readonly deps: InboxDeps) {
    super();
  }

  /** Callbacks of the instance were stored. */
  wake(instanceId: string): void {
    this.tell({ type: 'wake', instanceId });
  }

  /** Drains what was left pending by the last run. */
  recover(): void {
    this.tell({ type: 'recover' });
  }

  /**
   * Waits for the drains under way (each ends after its current row), at most
   * `waitMs`: a row still waiting on Meta then stays stored for the next start.
   */
  async stop(waitMs = 2_000): Promise<void> {
    await this.ask<void>((reply) => ({ type: 'stop', reply }), waitMs, 'stopping the Business inbox').catch((error: unknown) => {
      this.deps.logger.warn({ err: error }, 'Business callbacks still in hand at shutdown; they are handled at the next start');
    });
  }

  protected async receive(message: InboxMessage): Promise<void> {
    switch (message.type) {
      case 'wake':
        return this.start(message.instanceId);
      case 'recover': {
        if (this.stopping) return;
        let ids: string[];
        try {
          const restored = await this.deps.callbacks.restoreSetAside();
          if (restored > 0) this.deps.logger.info({ callbacks: restored }, 'Business callbacks set aside by an earlier run are tried again');
          ids = await this.deps.callbacks.instancesWithPending();
        } catch (error) {
          this.deps.logger.error({ err: error }, 'could not read the pending Business callbacks; trying again');
          setTimeout(() => this.tell({ type: 'recover' }), 5_000).unref();
          return;
        }
        for (const id of ids) this.start(id);
        return;
      }
      case 'lane-done':
        return this.laneDone(message.instanceId, message.failed);
      case 'stop':
        this.stopping = true;
        for (const timer of this.retries.values()) clearTimeout(timer);
        this.retries.clear();
        if (this.lanes.size === 0) return message.reply.resolve();
        this.stopWaiters.push(message.reply.resolve);
        return;
    }
  }

  protected failed(message: InboxMessage, error: unknown): void {
    this.deps.logger.error({ err: error, message: message.type }, 'the Business inbox failed to handle a message');
  }

  private start(instanceId: string): void {
    if (this.stopping) return;
    const running = this.lanes.get(instanceId);
    if (running) {
      running.again = true;
      return;
    }
    clearTimeout(this.retries.get(instanceId));
    this.retries.delete(instanceId);
    this.lanes.set(instanceId, { again: false });
    // Started, not awaited: one instance's slow media must not hold the mailbox.
    void this.drain(instanceId).then(
      () => this.tell({ type: 'lane-done', instanceId, failed: false }),
      (error: unknown) => {
        this.deps.logger.error({ err: error, instanceId }, 'could not handle a Business callback; retrying');
        this.tell({ type: 'lane-done', instanceId, failed: true });
      },
    );
  }

  private laneDone(instanceId: string, failed: boolean): void {
    const lane = this.lanes.get(instanceId);
    this.lanes.delete(instanceId);
    if (this.stopping) {
      if (this.lanes.size === 0) for (const resolve of this.stopWaiters.splice(0)) resolve();
      return;
    }
    if (failed) {
      const failures = (this.failures.get(instanceId) ?? 0) + 1;
      this.failures.set(instanceId, failures);
      const delay = backoffDelay(failures, { baseMs: this.deps.retryMs ?? 1_000, maxMs: 60_000, jitter: 0.5 });
      const timer = setTimeout(() => this.tell({ type: 'wake', instanceId }), delay);
      timer.unref();
      this.retries.set(instanceId, timer);
      return;
    }
    this.failures.delete(instanceId);
    if (lane?.again) this.start(instanceId);
  }

  /** Handles the instance's pending callbacks in order until none is left. */
  private async drain(instanceId: string): Promise<void> {
    for (;;) {
      const rows = await this.deps.callbacks.pending(instanceId, BATCH);
      if (rows.length === 0) return;
      for (const row of rows) {
        if (this.stopping) return;
        try {
          await this.handle(row);
        } catch (error) {
          if (await this.setAside(row, error)) continue;
          throw error;
        }
        await this.deps.callbacks.remove(row.id);
      }
    }
  }

  /**
   * Counts the failed try; answers whether the callback is now set aside.
   * When even that cannot be written (the database is down) the try is not
   * counted: only a callback that fails on its own is set aside.
   */
  private async setAside(row: MetaCallback, error: unknown): Promise<boolean> {
    const reason = error instanceof Error ? error.message : String(error);
    let setAside: boolean;
    try {
      setAside = await this.deps.callbacks.failed(row, reason, this.deps.maxAttempts ?? 10);
    } catch {
      return false;
    }
    if (setAside) {
      this.deps.logger.error(
        { instanceId: row.instanceId, callback: row.id, attempts: row.attempts + 1, err: error },
        'a Business callback kept failing and is set aside; the ones after it go on, and it is tried again at the next start',
      );
    }
    return setAside;
  }

  private async handle(row: MetaCallback): Promise<void> {
    const instance = await this.deps.instances.findById(row.instanceId);
    // Deleted meanwhile: its callbacks go with it.
    if (!instance) return;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(row.value) as Record<string, unknown>;
    } catch {
      this.deps.logger.warn({ instance: instance.name, callback: row.id }, 'a stored Business callback is not JSON; dropped');
      return;
    }
    const skipped = unmappedKinds(value);
    if (skipped.length > 0) this.deps.logger.info({ instance: instance.name, kinds: skipped }, 'received message kinds with no WhatsApp Web form; left out');
    const messages = inboundMessages(value, instance.id);
    const statuses = statusChanges(value);
    const base64 = messages.some((m) => m.mediaId) ? (await this.deps.store.serve(instance.id, { kind: 'config-load' })).webhookBase64 : false;
    for (const message of messages) await this.received(instance, message, base64);
    for (const status of statuses) await this.statusChanged(instance, status);
  }

  private async received(instance: Instance, inbound: InboundMessage, wantsBase64: boolean): Promise<void> {
    const { record } = inbound;
    const { store } = this.deps;
    const jid = record.key.remoteJid;
    const known = await this.deps.contacts.list(instance.id, { remoteJid: jid });
    const media = inbound.mediaId && wantsBase64 ? await this.fetchMedia(instance, inbound.mediaId, record.key.id) : null;
    const stored = media ? withFileLength(record, media.bytes.length) : record;
    await Promise.all([
      store.serve(instance.id, { kind: 'messages-upsert', records: [stored] }),
      store.serve(instance.id, { kind: 'chats-upsert', chats: [{ remoteJid: jid, lastMessageTimestamp: record.messageTimestamp }] }),
      record.pushName ? store.serve(instance.id, { kind: 'contacts-upsert', contacts: [{ remoteJid: jid, pushName: record.pushName }] }) : undefined,
    ]);
    const event = media ? { ...stored, message: { ...stored.message, base64: media.bytes.toString('base64') } } : stored;
    const owner = { id: instance.id, name: instance.name };
    const published = [this.deps.events.publish(owner, 'MESSAGES_UPSERT', event, { eventId: stableEventId(instance.id, record.key.id, 'messages.upsert') })];
    const contact = [{ remoteJid: jid, pushName: record.pushName, instanceId: instance.id }];
    if (known.length === 0) {
      published.push(this.deps.events.publish(owner, 'CONTACTS_UPSERT', contact, { eventId: stableEventId(instance.id, record.key.id, 'contacts.upsert') }));
    } else if (record.pushName && known[0].pushName !== record.pushName) {
      published.push(this.deps.events.publish(owner, 'CONTACTS_UPDATE', contact, { eventId: stableEventId(instance.id, record.key.id, 'contacts.update') }));
    }
    await Promise.all(published);
  }

  /**
   * The file behind a media id, with the instance's token. A failure leaves
   * the event without base64 rather than losing the message.
   */
  private async fetchMedia(instance: Instance, mediaId: string, messageId: string): Promise<{ bytes: Buffer } | null> {
    const client = await this.deps.clients.clientFor(instance);
    const download = await client.downloadMedia(mediaId);
    if (download.ok) return { bytes: download.value.bytes };
    const reason = download.message;
    this.deps.logger.warn({ instance: instance.name, messageId, reason }, 'could not fetch the media of a received message; its event goes out without base64');
    return null;
  }

  private async statusChanged(instance: Instance, change: StatusChange): Promise<void> {
    const { key, status } = change;
    await this.deps.store.serve(instance.id, { kind: 'message-status', key, status });
    if (change.errors) this.deps.logger.warn({ instance: instance.name, messageId: key.id, errors: change.errors }, 'Meta could not deliver a message');
    const data = { keyId: key.id, remoteJid: key.remoteJid, fromMe: true, participant: null, instanceId: instance.id, messageId: key.id, status, ...(change.errors ? { errors: change.errors } : {}) };
    const owner = { id: instance.id, name: instance.name };
    // Every message a Business number sends goes through the API: its changes are send.message.update as well.
    await Promise.all([
      this.deps.events.publish(owner, 'MESSAGES_UPDATE', data, { eventId: stableEventId(instance.id, key.id, `messages.update:${status}`) }),
      this.deps.events.publish(owner, 'SEND_MESSAGE_UPDATE', data, { eventId: stableEventId(instance.id, key.id, `send.message.update:${status}`) }),
    ]);
  }
}

/** Baileys' media messages carry their size; Meta's webhook does not, the download tells it. */
function withFileLength<T extends { message: Record<string, unknown>; messageType: string }>(record: T, length: number): T {
  const inner = record.message[record.messageType];
  if (typeof inner !== 'object' || inner === null) return record;
  return { ...record, message: { ...record.message, [record.messageType]: { ...inner, fileLength: length } } };
}
