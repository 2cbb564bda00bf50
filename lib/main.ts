import { configuredOrExit, loadConfig } from './config.js';
import type { Gateway } from './gateway.js';
import { createLogger } from './logger.js';

const config = configuredOrExit(() => loadConfig());
const logger = createLogger(config.logLevel);

process.on('unhandledRejection', (reason) => {
  logger.error({ err: reason }, 'unhandled rejection');
});

// Installed before anything starts: a signal at any moment, even before the
// server listens or while instances are being restored, ends in an orderly stop.
let starting: Promise<Gateway> | undefined;
let signalled = false;
const shutdown = (signal: NodeJS.Signals) => {
  if (signalled) return;
  signalled = true;
  logger.info({ signal }, 'signal received');
  // A shutdown that hangs must still end the process, with a failure status.
  const guard = setTimeout(() => {
    logger.error('shutdown timed out');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  guard.unref();
  if (!starting) process.exit(0);
  // Before listening, the gateway first finishes starting, so that what it
  // had begun (database, sinks, pool) is stopped the usual way. A failed
  // start is reported below.
  starting.then(stopAndExit, () => undefined);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

function stopAndExit(gateway: Gateway): void {
  gateway.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
}

logger.info({ pid: process.pid }, 'starting');
// Loaded only now: importing the gateway's modules takes a noticeable part of
// the start, during which a signal must already be handled.
starting = import('./gateway.js').then(({ startGateway }) => startGateway(config, logger));
await starting.catch((error: unknown) => {
  logger.fatal({ err: error }, 'could not start');
  process.exit(1);
});
