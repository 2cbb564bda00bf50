import type { Logger } from '../lib/logger.js';
import type { StoreWrite } from '../lib/store/protocol.js';
import type { StoreClient } from './store-client.js';

/** What a worker records about messages, chats and contacts. */
export type RecordWrite = Extract<
  StoreWrite,
  { kind: 'messages-upsert' | 'message-status' | 'chats-upsert' | 'chats-remove' | 'contacts-upsert' | 'labels-upsert' | 'labels-remove' }
>;

/**
 * Records kept off the path of sends and receipts: they are handed to the
 * store, which commits them in order and retries a busy database, and nothing
 * here waits for them. A write the database refuses is logged.
 */
export class WorkerStore {
  constructor(
    private readonly store: StoreClient,
    private readonly logger: Logger,
  ) {}

  record(write: RecordWrite): void {
    this.store.request(write).catch((error: unknown) => this.logger.error({ err: error, write: write.kind }, 'could not store a record'));
  }
}
