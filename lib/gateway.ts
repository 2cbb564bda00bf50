import type { Server } from 'node:http';
import type Koa from 'koa';
import { createRequire } from 'node:module';
import type { Config } from './config.js';
import { CpuPool } from './cpu/pool.js';
import { migrate, openDb } from './db/knex.js';
import { OutboxRepository } from './db/outbox.js';
import { repositories } from './db/repositories.js';
import { Dispatcher } from './dispatcher/dispatcher.js';
import { scheduleOutboxPruning } from './dispatcher/housekeeping.js';
import { workerProfilePicture } from './chatwoot/profile-picture.js';
import { CallbackIntake } from './cloud/callback-intake.js';
import { CloudChannel } from './cloud/channel.js';
import { CloudClients } from './cloud/clients.js';
import { Inbox } from './cloud/inbox.js';
import { MetaCallbackRepository } from './db/meta-callbacks.js';
import { createApp } from './http/app.js';
import { Lifecycle } from './instances/lifecycle.js';
import { instanceObserver } from './instances/observer.js';
import { restoreInstances } from './instances/restore.js';
import type { Logger } from './logger.js';
import { GatewayMetrics } from './metrics/metrics.js';
import { countingCrashes } from './metrics/worker-crashes.js';
import { enabledSinks } from './sinks/enabled-sinks.js';
import { SinkSupervisor } from './sinks/sink-supervisor.js';
import { Store } from './store/store.js';
import { Supervisor } from './supervisor/supervisor.js';
import type { MediaSource } from '../workers/cpu.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export interface Gateway {
  server: Server;
  /** The HTTP app the server runs, e.g. to list its routes. */
  app: Koa;
  /** The port actually bound (SERVER_PORT=0 picks a free one). */
  port: number;
  supervisor: Supervisor;
  sinks: SinkSupervisor;
  stop(): Promise<void>;
}

/**
 * Opens the database (applying migrations), starts the sinks, the dispatcher,
 * the supervisor and the HTTP server, then restores the instances that were
 * connected, in the background.
 */
export async function startGateway(config: Config, logger: Logger): Promise<Gateway> {
  const db = openDb(config.database);
  await migrate(db);
  const repos = repositories(db);
  const outbox = new OutboxRepository(db);
  const cpu = new CpuPool();
  const renderQr = (text: string) => cpu.qrDataUrl(text);
  const { outbox: outboxConfig } = config.events;
  const store = new Store({ db, logger, ...config.store, chatwootEnabled: config.chatwoot.enabled });

  // Called only by deliveries, which start after the supervisor below is made.
  const profilePicture = workerProfilePicture(() => supervisor, logger);
  const sinkList = enabledSinks(config.events, logger, { config, repos, profilePicture });
  const metrics = config.metrics.enabled ? new GatewayMetrics(sinkList.map((sink) => sink.name)) : null;
  const sinks = new SinkSupervisor({
    sinks: sinkList,
    outbox,
    logger,
    runner: {
      retry: { maxAttempts: outboxConfig.maxAttempts, baseMs: outboxConfig.retryBaseMs, maxMs: outboxConfig.retryMaxMs },
      concurrency: outboxConfig.concurrency,
      batch: 100,
      pollMs: outboxConfig.pollMs,
      outcome: metrics ? (sink, outcome) => metrics.delivery(sink, outcome) : undefined,
    },
    stopTimeoutMs: Math.min(3_000, Math.floor(config.shutdownTimeoutMs / 3)),
  });
  const dispatcher = new Dispatcher({
    events: config.events,
    serverUrl: config.server.url,
    repos,
    outbox,
    sinks: new Set(sinks.sinkNames),
    wake: (names) => sinks.wake(names),
    renderQr,
    chatwootEnabled: config.chatwoot.enabled,
    chatwootBotContact: config.chatwoot.botContact,
    logger,
  });
  const housekeeping = scheduleOutboxPruning(
    outbox,
    { cron: outboxConfig.pruneCron, retentionHours: outboxConfig.retentionHours },
    logger,
  );
  const observer = countingCrashes(instanceObserver({ store, logger, events: dispatcher }), metrics);
  const cloudClients = new CloudClients(config.waBusiness, repos);
  const cloud = new CloudChannel({ repos, store, events: dispatcher, logger, clients: cloudClients });
  const supervisor = new Supervisor({
    workerUrl: new URL('../workers/instance.js', import.meta.url),
    workerData: { logLevel: config.logLevel, whatsapp: config.whatsapp },
    restart: {
      maxRestarts: config.workers.maxRestarts,
      windowMs: config.workers.restartWindowMs,
      backoffBaseMs: config.workers.backoffBaseMs,
      backoffMaxMs: config.workers.backoffMaxMs,
    },
    requestTimeoutMs: config.workers.requestTimeoutMs,
    resourceLimits: {
      maxYoungGenerationSizeMb: config.workers.youngGenerationMb,
      maxOldGenerationSizeMb: config.workers.oldGenerationMb,
    },
    stopTimeoutMs: config.workers.stopTimeoutMs,
    logger,
    observer,
    cloud,
    store: (instanceId, request) => store.serve(instanceId, request),
  });
  const prepareMedia = (source: MediaSource) => cpu.prepareMedia(source);
  const lifecycle = new Lifecycle();
  // Business instances: Meta's callbacks, stored by /webhook/meta, become events in the inbox.
  const metaCallbackRows = new MetaCallbackRepository(db);
  const inbox = new Inbox({ callbacks: metaCallbackRows, instances: repos.instances, contacts: repos.contacts, store, events: dispatcher, clients: cloudClients,
    logger,
    retryMs: config.waBusiness.callbackRetryMs,
    maxAttempts: config.waBusiness.callbackAttempts,
  });
  const metaCallbacks = new CallbackIntake({ instances: repos.instances, callbacks: metaCallbackRows, inbox, logger });
  const deps = { config, db, repos, outbox, supervisor, events: dispatcher, sinks, logger, version, renderQr, prepareMedia, lifecycle, store, metrics, cloudClients, metaCallbacks };
  const app = createApp(deps, logger);

  const server = app.listen(config.server.port, config.server.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  logger.info({ port, url: config.server.url, version, sinks: sinks.sinkNames }, 'gateway listening');

  await dispatcher.publish(null, 'APPLICATION_STARTUP', { status: 'started', version, serverUrl: config.server.url });
  // Callbacks Meta had been answered for, left by a crash or a stop.
  inbox.recover();
  // In the background: the server answers while the instances come back, and
  // a shutdown stops the restore from starting more workers.
  const restoreAbort = new AbortController();
  const restoring = restoreInstances(deps, {
    concurrency: config.workers.restoreConcurrency,
    signal: restoreAbort.signal,
  }).then(
    (summary) => {
      if (summary.total > 0) logger.info(summary, 'instances restored');
    },
    (error: unknown) => logger.error({ err: error }, 'could not restore the instances'),
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down');
      restoreAbort.abort();
      // Stop accepting first; idle keep-alive sockets would hold close() open.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await supervisor.shutdown();
      await restoring;
      server.closeAllConnections();
      await closed;
      // Callbacks not yet handled stay stored for the next start.
      await inbox.stop();
      // What the workers wrote and reported last (their final connection
      // states included) is durable before the database closes.
      await store.drain();
      // What the workers reported last is committed before the sinks stop.
      await dispatcher.drain();
      await sinks.stop();
      await housekeeping.stop();
      await cpu.close();
      await db.destroy();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { server, app, port, supervisor, sinks, stop };
}
