import type { Knex } from 'knex';
import type { CloudClients } from '../cloud/clients.js';
import type { Config } from '../config.js';
import type { Repositories } from '../db/repositories.js';
import type { EventPublisher } from '../events/publisher.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { Lifecycle } from './lifecycle.js';

/** What the instance lifecycle rules work with. */
export interface InstanceDeps {
  config: Config;
  db: Knex;
  repos: Repositories;
  supervisor: Supervisor;
  events: EventPublisher;
  logger: Logger;
  /** One lifecycle command at a time per instance. */
  lifecycle: Lifecycle;
  store: Store;
  /** The Graph API clients of WHATSAPP-BUSINESS instances. */
  cloudClients: CloudClients;
}
