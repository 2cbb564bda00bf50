import type { Knex } from 'knex';
import { Actor, type Reply } from '../actor/actor.js';
import { backoffDelay, type Backoff } from '../backoff.js';
import { AuthStateRepository } from '../db/auth-state.js';
import { ChatRepository } from '../db/chats.js';
import { ContactRepository } from '../db/contacts.js';
import { InstanceRepository, type ConnectionPatch } from '../db/instances.js';
import { LabelRepository } from '../db/labels.js';
import { MessageUpdateRepository } from '../db/message-updates.js';
import { MessageRepository } from '../db/messages.js';
import { DEFAULT_SETTINGS } from '../instance-config/settings.js';
import { configTables } from '../db/config-tables.js';
import type { Logger } from '../logger.js';
import {
  isWrite,
  type StoreRead,
  type StoreRequest,
  type StoreResultOf,
  type StoreResults,
  type StoreWrite,
} from './protocol.js';
import { isTransient } from './transient.js';

/** What the main thread itself records about an instance (connection changes). */
export type InstanceStateWrite = { kind: 'instance-state'; patch: ConnectionPatch; autoConnect?: boolean };
export type CommitWrite = StoreWrite | InstanceStateWrite;
type CommitResults = Pick<StoreResults, StoreWrite['kind']> & { 'instance-state': { recorded: true } };

type ReadHandlers = {
  [K in StoreRead['kind']]: (db: Knex, instanceId: string, read: Extract<StoreRead, { kind: K }>, options: StoreOptions) => Promise<StoreResults[K]>;
};
type WriteHandlers = {
  [K in CommitWrite['kind']]: (trx: Knex, instanceId: string, write: Extract<CommitWrite, { kind: K }>) => Promise<CommitResults[K]>;
};

const READS: ReadHandlers = {
  'auth-load': async (db, id) => ({ creds: await new AuthStateRepository(db).creds(id) }),
  'keys-get': async (db, id, read) => ({ found: await new AuthStateRepository(db).keys(id, read.keys) }),
  'config-load': async (db, id, _read, options) => {
    const tables = configTables(db);
    const [settings, proxy, webhook, chatwoot] = await Promise.all([
      tables.settings.find(id),
      tables.proxies.find(id),
      tables.webhooks.find(id),
      tables.chatwoot.find(id),
    ]);
    return {
      settings: settings?.value ?? DEFAULT_SETTINGS,
      proxy: proxy?.value ?? null,
      // Chatwoot stores received media as files: it needs the bytes as well.
      webhookBase64: Boolean(webhook?.value.base64 || (options.chatwootEnabled && chatwoot?.value.enabled)),
    };
  },
};

const WRITES: WriteHandlers = {
  'keys-apply': async (trx, id, write) => {
    await new AuthStateRepository(trx).apply(id, write.upserts, write.deletes);
    return { applied: write.upserts.length + write.deletes.length };
  },
  'creds-save': async (trx, id, write) => {
    await new AuthStateRepository(trx).saveCreds(id, write.creds);
    return { saved: true };
  },
  'auth-clear': async (trx, id) => {
    await new AuthStateRepository(trx).clear(id);
    return { cleared: true };
  },
  'messages-upsert': async (trx, id, write) => {
    // A worker speaks only for its own instance, whatever its records say.
    await new MessageRepository(trx).upsertMessages(write.records.map((record) => ({ ...record, instanceId: id })));
    return { stored: write.records.length };
  },
  'message-status': async (trx, id, write) => {
    if (!write.historyOnly) await new MessageRepository(trx).updateStatus(id, write.key, write.status);
    // Evolution keeps no history for status@broadcast posts.
    if (write.key.remoteJid !== 'status@broadcast') await new MessageUpdateRepository(trx).record(id, write.key, write.status);
    return { updated: true };
  },
  'chats-upsert': async (trx, id, write) => {
    await new ChatRepository(trx).upsert(id, write.chats);
    return { stored: write.chats.length };
  },
  'chats-remove': async (trx, id, write) => {
    await new ChatRepository(trx).remove(id, write.remoteJids);
    return { removed: write.remoteJids.length };
  },
  'contacts-upsert': async (trx, id, write) => {
    await new ContactRepository(trx).upsert(id, write.contacts);
    return { stored: write.contacts.length };
  },
  'labels-upsert': async (trx, id, write) => {
    await new LabelRepository(trx).upsert(id, write.labels);
    return { stored: write.labels.length };
  },
  'labels-remove': async (trx, id, write) => {
    await new LabelRepository(trx).remove(id, write.labelIds);
    return { removed: write.labelIds.length };
  },
  'instance-state': async (trx, id, write) => {
    const instances = new InstanceRepository(trx);
    await instances.updateConnection(id, write.patch);
    if (write.autoConnect !== undefined) await instances.setAutoConnect(id, write.autoConnect);
    return { recorded: true };
  },
};

function readHandler<R extends StoreRead>(read: R): (db: Knex, id: string, read: R, options: StoreOptions) => Promise<StoreResultOf<R>> {
  return READS[read.kind] as unknown as (db: Knex, id: string, read: R, options: StoreOptions) => Promise<StoreResultOf<R>>;
}

function writeHandler<W extends CommitWrite>(write: W): (trx: Knex, id: string, write: W) => Promise<unknown> {
  return WRITES[write.kind] as unknown as (trx: Knex, id: string, write: W) => Promise<unknown>;
}

interface PendingWrite {
  instanceId: string;
  write: CommitWrite;
  reply: Reply<unknown>;
  /** Failed inside a batch once: committed alone from now on, so it cannot fail the others. */
  alone: boolean;
}

export interface StoreOptions {
  db: Knex;
  logger: Logger;
  /** Most writes committed in one transaction. */
  batchMax: number;
  /** Tries of a write whose database is busy or unreachable before its sender is told. */
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** CHATWOOT_ENABLED: without it no media is downloaded for an instance's Chatwoot. */
  chatwootEnabled?: boolean;
}

/** The store's mailbox. */
type StoreMessage =
  | { type: 'read'; instanceId: string; read: StoreRead; reply: Reply<unknown> }
  | { type: 'write'; pending: PendingWrite }
  | { type: 'committed'; batch: PendingWrite[]; results: unknown[] }
  | { type: 'commit-failed'; batch: PendingWrite[]; error: unknown }
  | { type: 'retry-due' }
  | { type: 'drain'; reply: Reply<void> };

export class StoreRefusedError extends Error {
  constructor(kind: string, cause: unknown) {
    super(`the database refused "${kind}": ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StoreRefusedError';
  }
}

/**
 * The one owner of the database pool for everything instance workers read and
 * write. Reads go straight to the pool; writes from all workers queue here and
 * are committed together, in arrival order, one transaction per batch, and each
 * is answered only once its batch is durable. A busy or unreachable database
 * is retried with backoff; a write the database refuses is committed alone and
 * its sender told, so it never takes other writes down with it.
 */
export class Store extends Actor<StoreMessage> {
  private readonly queue: PendingWrite[] = [];
  private committing = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private drainWaiters: Reply<void>[] = [];

  private readonly retryBackoff: Backoff;

  constructor(private readonly options: StoreOptions) {
    super();
    this.retryBackoff = { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs, jitter: 0.5 };
  }

  /** Serves one request of the worker of `instanceId`. */
  serve<R extends StoreRequest>(instanceId: string, request: R): Promise<StoreResultOf<R>> {
    return new Promise<unknown>((resolve, reject) => {
      const reply = { resolve, reject };
      if (isWrite(request)) this.tell({ type: 'write', pending: { instanceId, write: request, reply, alone: false } });
      else this.tell({ type: 'read', instanceId, read: request, reply });
    }) as Promise<StoreResultOf<R>>;
  }

  /** Records a connection change of an instance, retried like any write. */
  recordState(instanceId: string, patch: ConnectionPatch, autoConnect?: boolean): Promise<void> {
    return new Promise<unknown>((resolve, reject) => {
      const write: InstanceStateWrite = { kind: 'instance-state', patch, ...(autoConnect === undefined ? {} : { autoConnect }) };
      this.tell({ type: 'write', pending: { instanceId, write, reply: { resolve, reject }, alone: false } });
    }).then(() => undefined);
  }

  /** Resolves once every write queued so far is committed or refused. */
  drain(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.tell({ type: 'drain', reply: { resolve, reject } }));
  }

  protected receive(message: StoreMessage): void {
    switch (message.type) {
      case 'read':
        return this.onRead(message.instanceId, message.read, message.reply);
      case 'write':
        this.queue.push(message.pending);
        return this.commitNext();
      case 'committed':
        return this.onCommitted(message.batch, message.results);
      case 'commit-failed':
        return this.onCommitFailed(message.batch, message.error);
      case 'retry-due':
        this.retryTimer = undefined;
        return this.commitNext();
      case 'drain':
        this.drainWaiters.push(message.reply);
        return this.settleDrain();
    }
  }

  protected failed(message: StoreMessage, error: unknown): void {
    this.options.logger.error({ err: error, message: message.type }, 'store failed to handle a message');
  }

  private onRead(instanceId: string, read: StoreRead, reply: Reply<unknown>): void {
    const attempt = (n: number): Promise<unknown> =>
      readHandler(read)(this.options.db, instanceId, read, this.options).catch(async (error: unknown) => {
        if (!isTransient(error) || n >= this.options.maxAttempts) throw error;
        await sleep(backoffDelay(n, this.retryBackoff));
        return attempt(n + 1);
      });
    attempt(1).then(reply.resolve, (error: unknown) => reply.reject(new StoreRefusedError(read.kind, error)));
  }

  /** Starts committing the next batch unless one is in flight or a retry is waiting. */
  private commitNext(): void {
    if (this.committing || this.retryTimer || this.queue.length === 0) return this.settleDrain();
    const batch = this.nextBatch();
    this.committing = true;
    void this.commit(batch).then(
      (results) => this.tell({ type: 'committed', batch, results }),
      (error: unknown) => this.tell({ type: 'commit-failed', batch, error }),
    );
  }

  /** Up to batchMax writes from the head of the queue; a write that failed in a batch goes alone. */
  private nextBatch(): PendingWrite[] {
    if (this.queue[0].alone) return this.queue.slice(0, 1);
    const batch: PendingWrite[] = [];
    for (const pending of this.queue) {
      if (pending.alone || batch.length >= this.options.batchMax) break;
      batch.push(pending);
    }
    return batch;
  }

  private async commit(batch: PendingWrite[]): Promise<unknown[]> {
    return this.options.db.transaction(async (trx) => {
      const results: unknown[] = [];
      for (const { instanceId, write } of batch) results.push(await writeHandler(write)(trx, instanceId, write));
      return results;
    });
  }

  private onCommitted(batch: PendingWrite[], results: unknown[]): void {
    this.committing = false;
    this.attempt = 0;
    this.queue.splice(0, batch.length);
    batch.forEach((pending, i) => pending.reply.resolve(results[i]));
    this.commitNext();
  }

  private onCommitFailed(batch: PendingWrite[], error: unknown): void {
    this.committing = false;
    if (isTransient(error)) return this.retryLater(batch, error);
    this.attempt = 0;
    if (batch.length > 1) {
      // One of them is refused: find which by committing each alone.
      for (const pending of batch) pending.alone = true;
      return this.commitNext();
    }
    this.refuse(batch, error);
  }

  private retryLater(batch: PendingWrite[], error: unknown): void {
    this.attempt += 1;
    if (this.attempt >= this.options.maxAttempts) {
      this.attempt = 0;
      return this.refuse(batch, error);
    }
    const delayMs = backoffDelay(this.attempt, this.retryBackoff);
    this.options.logger.warn({ err: error, attempt: this.attempt, delayMs, writes: batch.length }, 'database busy, retrying the commit');
    this.retryTimer = setTimeout(() => this.tell({ type: 'retry-due' }), delayMs);
  }

  private refuse(batch: PendingWrite[], error: unknown): void {
    this.queue.splice(0, batch.length);
    for (const { instanceId, write, reply } of batch) {
      this.options.logger.warn({ instanceId, err: error, write: write.kind }, 'write refused by the database');
      reply.reject(new StoreRefusedError(write.kind, error));
    }
    this.commitNext();
  }

  private settleDrain(): void {
    if (this.queue.length > 0 || this.committing) return;
    for (const waiter of this.drainWaiters.splice(0)) waiter.resolve();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
