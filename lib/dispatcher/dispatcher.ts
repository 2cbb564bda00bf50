import { randomUUID } from 'node:crypto';
import { Actor, type Reply } from '../actor/actor.js';
import type { EventsConfig } from '../config.js';
import type { NewOutboxRow, OutboxRepository, SinkName } from '../db/outbox.js';
import type { Repositories } from '../db/repositories.js';
import type { EventName } from '../events/names.js';
import type { EventPayloads } from '../events/payloads.js';
import type { EventOwner } from '../events/publisher.js';
import type { Logger } from '../logger.js';
import { address, type Addressed, type InstanceContext } from './destinations.js';

export interface DispatcherOptions {
  events: EventsConfig;
  serverUrl: string;
  repos: Repositories;
  outbox: OutboxRepository;
  /** Sinks that run on this server; rows are written only for them. */
  sinks: ReadonlySet<SinkName>;
  /** Tells the sinks that rows were committed. */
  wake(sinks: SinkName[]): void;
  renderQr(text: string): Promise<string>;
  /** CHATWOOT_ENABLED: without it no instance's Chatwoot configuration is read. */
  chatwootEnabled?: boolean;
  /** CHATWOOT_BOT_CONTACT: connection news go to the bot conversation of Chatwoot instances. */
  chatwootBotContact?: boolean;
  logger: Logger;
}

interface PendingOf<E extends EventName> {
  /** null for server-wide events. */
  instance: EventOwner | null;
  event: E;
  data: EventPayloads[E];
  at: number;
  /** Given when the same event may be published again (a callback handled twice): consumers drop repeats by it. */
  eventId?: string;
  reply?: Reply<void>;
}

/** An event waiting for its batch: its data has the shape its name says. */
type PendingEvent = { [E in EventName]: PendingOf<E> }[EventName];

/** Every message the dispatcher accepts. */
type DispatcherMessage =
  | { type: 'publish'; pending: PendingEvent }
  | { type: 'flush' }
  | { type: 'drain'; reply: Reply<void> };

const RETRY_COMMIT_MS = 1_000;

/**
 * Turns events into outbox rows, one per destination, and wakes the sinks.
 * Events are committed in batches (group commit): the first event of a batch
 * waits at most `batchDelayMs` for others, and a batch never exceeds
 * `batchMax`. An event counts as accepted once its batch is committed.
 */
export class Dispatcher extends Actor<DispatcherMessage> {
  private buffer: PendingEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private drainWaiters: Reply<void>[] = [];
  /** Each instance's destinations by instance id, kept until its configuration changes. */
  private readonly known = new Map<string, InstanceContext>();
  /** Bumped by forget(): a lookup that began before it must not be kept. */
  private readonly versions = new Map<string, number>();

  constructor(private readonly options: DispatcherOptions) {
    super();
  }

  /** Resolves once the event is durable in the outbox. */
  publish<E extends EventName>(instance: EventOwner | null, event: E, data: EventPayloads[E], options: { eventId?: string } = {}): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const pending: PendingOf<E> = { instance, event, data, at: Date.now(), reply: { resolve, reject }, ...(options.eventId ? { eventId: options.eventId } : {}) };
      this.tell({ type: 'publish', pending: pending as PendingEvent });
    });
  }

  forget(instance: EventOwner): void {
    this.known.delete(instance.id);
    this.versions.set(instance.id, (this.versions.get(instance.id) ?? 0) + 1);
  }

  /** Commits whatever is buffered; resolves when the buffer is empty. */
  drain(): Promise<void> {
    return this.ask<void>((reply) => ({ type: 'drain', reply }), 30_000, 'draining the dispatcher');
  }

  protected async receive(message: DispatcherMessage): Promise<void> {
    switch (message.type) {
      case 'publish':
        this.buffer.push(message.pending);
        if (this.buffer.length >= this.options.events.outbox.batchMax) return this.flush();
        this.timer ??= setTimeout(() => this.tell({ type: 'flush' }), this.options.events.outbox.batchDelayMs);
        return;
      case 'flush':
        return this.flush();
      case 'drain':
        this.drainWaiters.push(message.reply);
        return this.flush();
    }
  }

  protected failed(message: DispatcherMessage, error: unknown): void {
    this.options.logger.error({ err: error, message: message.type }, 'dispatcher failed to handle a message');
  }

  private async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer.splice(0, this.options.events.outbox.batchMax);
    if (batch.length > 0) {
      try {
        const { rows, unaddressable } = await this.rowsFor(batch);
        await this.options.outbox.append(rows);
        for (const pending of batch) {
          const problem = unaddressable.get(pending);
          if (problem) pending.reply?.reject(problem);
          else pending.reply?.resolve();
        }
        const sinks = [...new Set(rows.map((row) => row.sink))];
        if (sinks.length > 0) this.options.wake(sinks);
      } catch (error) {
        // Not committed, so not accepted yet: keep the batch and try again.
        this.options.logger.error({ err: error, events: batch.length }, 'could not commit events; retrying');
        this.buffer.unshift(...batch);
        this.timer = setTimeout(() => this.tell({ type: 'flush' }), RETRY_COMMIT_MS);
        return;
      }
    }
    if (this.buffer.length > 0) {
      this.timer ??= setTimeout(() => this.tell({ type: 'flush' }), 0);
      return;
    }
    for (const waiter of this.drainWaiters.splice(0)) waiter.resolve();
  }

  /**
   * The outbox rows of a batch. An event that cannot be addressed (a payload
   * the rules do not expect) would fail the same way on every retry: it is
   * refused alone, so that it cannot hold up the events behind it.
   */
  private async rowsFor(batch: PendingEvent[]): Promise<{ rows: NewOutboxRow[]; unaddressable: Map<PendingEvent, Error> }> {
    const contexts = await this.contexts(batch);
    const rows: NewOutboxRow[] = [];
    const unaddressable = new Map<PendingEvent, Error>();
    for (const pending of batch) {
      const context = (pending.instance && contexts.get(pending.instance.id)) || serverContext();
      const data = await this.enrich(pending);
      const base = { serverUrl: this.options.serverUrl, dateTime: new Date(pending.at).toISOString() };
      const eventId = pending.eventId ?? randomUUID();
      let destinations: Addressed[];
      try {
        destinations = address(pending.event, data, context, this.options.events, base);
      } catch (error) {
        this.options.logger.error({ err: error, instance: pending.instance?.name, event: pending.event }, 'an event could not be addressed; it is dropped');
        unaddressable.set(pending, error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      for (const addressed of destinations) {
        if (!this.options.sinks.has(addressed.sink)) continue;
        rows.push({
          eventId,
          instanceId: pending.instance?.id ?? '',
          sink: addressed.sink,
          destination: addressed.destination,
          event: pending.event,
          payload: JSON.stringify(addressed.delivery),
        });
      }
    }
    return { rows, unaddressable };
  }

  /** The QR image is rendered here, in the CPU pool, not in the worker that owns the socket. */
  private async enrich<E extends EventName>(pending: PendingOf<E>): Promise<EventPayloads[E]> {
    if (!isQrEvent(pending)) return pending.data;
    const data = pending.data;
    if (!('qrcode' in data)) return pending.data;
    const base64 = await this.options.renderQr(data.qrcode.code);
    return { ...data, qrcode: { ...data.qrcode, base64 } } as EventPayloads[E];
  }

  /**
   * Each instance's destinations, read from the database the first time and
   * kept until forget() says they changed (the configuration routes, create,
   * delete and a new owner call it before they answer), so that changes apply
   * from the next event on without a lookup per event.
   */
  private async contexts(batch: PendingEvent[]): Promise<Map<string, InstanceContext>> {
    const owners = new Map<string, EventOwner>();
    for (const pending of batch) if (pending.instance) owners.set(pending.instance.id, pending.instance);
    const contexts = new Map<string, InstanceContext>();
    for (const [id, owner] of owners) {
      const version = this.versions.get(id) ?? 0;
      const context = this.known.get(id) ?? (await this.lookup(owner));
      if ((this.versions.get(id) ?? 0) === version) this.known.set(id, context);
      contexts.set(id, context);
    }
    return contexts;
  }

  private async lookup(owner: EventOwner): Promise<InstanceContext> {
    const { repos } = this.options;
    const instance = await repos.instances.findById(owner.id);
    // Deleted already: only the server-wide destinations remain.
    if (!instance) return { ...serverContext(), id: owner.id, name: owner.name };
    const [webhook, integrations, chatwoot] = await Promise.all([
      repos.webhooks.find(instance.id),
      repos.eventIntegrations.findMany([instance.id]),
      this.options.chatwootEnabled ? repos.chatwoot.find(instance.id) : undefined,
    ]);
    return {
      id: instance.id,
      name: instance.name,
      brokerName: instance.brokerName,
      token: instance.token,
      ownerJid: instance.ownerJid,
      webhook: webhook?.value ?? null,
      integrations: integrations.get(instance.id) ?? new Map(),
      chatwoot: chatwoot?.value.enabled ? chatwoot.value : null,
      chatwootBot: this.options.chatwootBotContact ?? false,
    };
  }
}

function isQrEvent(pending: PendingOf<EventName>): pending is PendingOf<'QRCODE_UPDATED'> {
  return pending.event === 'QRCODE_UPDATED';
}

function serverContext(): InstanceContext {
  return { id: null, name: null, brokerName: null, token: null, ownerJid: null, webhook: null, integrations: new Map() };
}
