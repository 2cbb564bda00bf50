// Entry of an instance's worker thread: one per WhatsApp instance. It answers
// the supervisor's commands and reports connection changes and events; it
// never touches HTTP or the sinks.
import { parentPort, workerData, threadId } from 'node:worker_threads';
import { createLogger } from '../lib/logger.js';
import type { FromWorker, ToWorker, WorkerCommand, WorkerData } from '../lib/supervisor/protocol.js';
import { openDb } from '../lib/db/knex.js';
import { CommandError } from './command-error.js';
import { Session } from './session.js';

const data = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('workers/instance.ts must run as a worker thread');

const logger = createLogger(data.logLevel).child({ instance: data.instanceName, threadId });
const post = (message: FromWorker) => port.postMessage(message);

// The Signal library reports session rotations with console calls: keep them
// in the structured log, at debug level, with the instance name.
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  console[method] = (...args: unknown[]) => logger.debug({ console: method }, args.map(String).join(' ').slice(0, 2000));
}
// The worker's own connection: auth state writes never wait on the main thread.
const db = openDb(data.database);
const session = new Session(data, db, logger, post);

/**
 * Closes the socket, then the database: the thread is terminated right after
 * the reply, and a SQLite statement still running at that moment would abort
 * the whole process.
 */
async function closeAll(): Promise<unknown> {
  const result = await session.close();
  await new Promise((resolve) => setImmediate(resolve));
  await db.destroy();
  return result;
}

async function execute(command: WorkerCommand): Promise<unknown> {
  switch (command.kind) {
    case 'connect':
      return session.connect(command.number);
    case 'status':
      return session.status();
    case 'logout':
      return session.logout();
    case 'close':
      return closeAll();
    case 'set-presence':
      return session.setPresence(command.presence, command.number);
    case 'reload-settings':
      return session.reloadSettings();
    case 'reload-proxy':
      return session.reloadProxy();
    case 'send':
      return session.outbound.send(command.request);
    case 'check-numbers':
      return session.outbound.checkNumbers(command.numbers);
    case 'mark-read':
      await session.outbound.markRead(command.keys);
      return { read: command.keys.length };
    case 'delete-for-everyone':
      return session.outbound.deleteForEveryone(command.key);
    case 'edit-message':
      return session.outbound.edit(command.key, command.text);
    case 'profile-picture':
      return session.outbound.profilePicture(command.number);
  }
}

port.on('message', (message: ToWorker) => {
  if (message?.type === 'fault') {
    setImmediate(() => {
      throw new Error(message.reason);
    });
    return;
  }
  if (message?.type !== 'request') return;
  execute(message.command).then(
    (result) => post({ type: 'reply', id: message.id, ok: true, result }),
    (error: Error) => {
      logger.warn({ err: error, command: message.command.kind }, 'command failed');
      const code = error instanceof CommandError ? error.code : undefined;
      post({ type: 'reply', id: message.id, ok: false, error: error.message, code });
    },
  );
});

// A thread torn down while a SQLite statement is still running aborts the
// whole process (node-sqlite3 and worker threads), so a crash never ends the
// thread directly: the socket is dropped, the database closed once its
// statements are done, and only then does the thread exit, with status 1 so
// that the supervisor's restart policy applies.
let crashing = false;
process.on('uncaughtException', (error) => {
  logger.error({ err: error }, 'worker crashed');
  if (crashing) return;
  crashing = true;
  const exit = () => process.exit(1);
  closeAll().then(exit, exit);
});
// Stray rejections (a timed-out query nobody awaited) are logged, not fatal.
process.on('unhandledRejection', (reason) => {
  logger.warn({ err: reason }, 'unhandled rejection in worker');
});

await session.start();
post({ type: 'ready' });
