// Entry of an instance's worker thread: one per WhatsApp instance. It answers
// the supervisor's commands and reports connection changes and events; it
// never touches HTTP or the sinks, and holds no database connection: whatever
// it reads or keeps goes through the store on the main thread, so the thread
// can end at any instant without touching anything shared.
import { parentPort, workerData, threadId } from 'node:worker_threads';
import { createLogger } from '../lib/logger.js';
import type { CommandHandlers, FromWorker, ResultOf, ToWorker, WorkerCommand, WorkerData } from '../lib/supervisor/protocol.js';
import { CommandError, refusalOf } from './command-error.js';
import { injectFault } from './faults.js';
import { ChatAppState } from './chat-app-state.js';
import { Groups } from './groups.js';
import { Profile } from './profile.js';
import { Session } from './session.js';
import { StoreClient } from './store-client.js';

const data = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('workers/instance.ts must run as a worker thread');

const logger = createLogger(data.logLevel).child({ instance: data.instanceName, instanceId: data.instanceId, threadId });
const post = (message: FromWorker) => port.postMessage(message);

// The Signal library reports session rotations with console calls: keep them
// in the structured log, at debug level, with the instance name.
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  console[method] = (...args: unknown[]) => logger.debug({ console: method }, args.map(String).join(' ').slice(0, 2000));
}

const store = new StoreClient((id, request) => post({ type: 'store', id, request }));
const session = new Session(data, store, logger, post);
const profile = new Profile(() => session.openSocket());
const chatAppState = new ChatAppState(() => session.openSocket());
const groups = new Groups(() => session.openSocket());
const updated = async (action: Promise<void>) => {
  await action;
  return { updated: true } as const;
};

const cloudOnly = (): Promise<never> => Promise.reject(new CommandError('invalid', 'Method not available in the Baileys service'));

const handlers: CommandHandlers = {
  connect: (command) => session.connect(command.number),
  status: async () => session.status(),
  logout: () => session.logout(),
  close: () => session.close(),
  'set-presence': (command) => session.setPresence(command.presence, command.number),
  'reload-settings': () => session.reloadSettings(),
  'reload-proxy': () => session.reloadProxy(),
  send: (command) => session.outbound.send(command.request),
  'send-status': (command) => session.outbound.sendStatus(command.request),
  'offer-call': (command) => session.outbound.offerCall(command.number, command.isVideo, command.callDuration),
  'check-numbers': (command) => session.outbound.checkNumbers(command.numbers),
  'mark-read': async (command) => {
    await session.outbound.markRead(command.keys);
    return { read: command.keys.length };
  },
  'delete-for-everyone': (command) => session.outbound.deleteForEveryone(command.key),
  'edit-message': (command) => session.outbound.edit(command.key, command.text),
  'profile-picture': (command) => session.outbound.profilePicture(command.number),
  'profile-lookup': (command) => profile.lookup(command.number),
  'business-profile': (command) => profile.business(command.number),
  'privacy-fetch': () => profile.privacy(),
  'privacy-update': (command) => updated(profile.updatePrivacy(command.settings)),
  'profile-name': (command) => updated(profile.updateName(command.name)),
  'profile-status': (command) => updated(profile.updateStatus(command.status)),
  'profile-picture-update': (command) => updated(profile.updatePicture(command.image)),
  'profile-picture-remove': () => updated(profile.removePicture()),
  'chat-presence': (command) => session.outbound.chatPresence(command.number, command.presence, command.delay),
  'block-status': (command) => session.outbound.blockStatus(command.number, command.status),
  'download-media': (command) => session.outbound.downloadMedia(command.key, command.message),
  'chat-archive': async (command) => {
    await chatAppState.archive(command.jid, command.lastMessage, command.archive);
    return { archived: command.archive };
  },
  'chat-unread': async (command) => {
    await chatAppState.markUnread(command.jid, command.lastMessage);
    return { unread: true };
  },
  'chat-label': async (command) => {
    await chatAppState.label(command.jid, command.labelId, command.action);
    return { labeled: command.action === 'add' };
  },
  'group-create': (command) => groups.create(command.subject, command.participants, command.description, command.promoteParticipants),
  'group-info': (command) => groups.info(command.groupJid),
  'group-fetch-all': (command) => groups.all(command.participants),
  'group-participants': (command) => groups.participants(command.groupJid),
  'group-subject': (command) => updated(groups.subject(command.groupJid, command.subject)),
  'group-description': (command) => updated(groups.description(command.groupJid, command.description)),
  'group-picture': (command) => updated(groups.picture(command.groupJid, command.image)),
  'group-invite-code': (command) => groups.inviteCode(command.groupJid),
  'group-invite-info': (command) => groups.inviteInfo(command.code),
  'group-accept-invite': (command) => groups.acceptInvite(command.code),
  'group-revoke-invite': (command) => groups.revokeInvite(command.groupJid),
  'group-update-participants': (command) => groups.updateParticipants(command.groupJid, command.action, command.participants),
  'group-setting': (command) => updated(groups.setting(command.groupJid, command.action)),
  'group-ephemeral': (command) => updated(groups.ephemeral(command.groupJid, command.expiration)),
  'group-leave': (command) => updated(groups.leave(command.groupJid)),
  // Meta's templates exist only on the Cloud API, as Evolution's Baileys channel says.
  'send-template': () => cloudOnly(),
  'template-create': () => cloudOnly(),
  'template-find': () => cloudOnly(),
};

function execute<C extends WorkerCommand>(command: C): Promise<ResultOf<C>> {
  // The table is checked kind by kind above; indexing it with a generic kind loses that link.
  const handler = handlers[command.kind] as unknown as (command: C) => Promise<ResultOf<C>>;
  return handler(command);
}

port.on('message', (message: ToWorker) => {
  switch (message?.type) {
    case 'store-reply':
      return store.settle(message.id, message.ok ? { ok: true, result: message.result } : { ok: false, error: message.error });
    case 'fault':
      return injectFault(message.fault, message.reason);
    case 'request':
      execute(message.command).then(
        (result) => post({ type: 'reply', id: message.id, ok: true, result }),
        (error: unknown) => {
          const refusal = refusalOf(error);
          const level = refusal.code === 'internal' ? 'error' : 'warn';
          logger[level]({ err: error, command: message.command.kind, code: refusal.code }, 'command failed');
          post({ type: 'reply', id: message.id, ok: false, error: refusal.message, code: refusal.code });
        },
      );
  }
});

// A crash drops the socket (WhatsApp sees the device go) and ends the thread
// with status 1, so that the supervisor's restart policy applies.
let crashing = false;
process.on('uncaughtException', (error) => {
  logger.error({ err: error }, 'worker crashed');
  if (crashing) return;
  crashing = true;
  const exit = () => process.exit(1);
  session.close().then(exit, exit);
  setTimeout(exit, 1_000).unref();
});
// Stray rejections (a timed-out query nobody awaited) are logged, not fatal.
process.on('unhandledRejection', (reason) => {
  logger.warn({ err: reason }, 'unhandled rejection in worker');
});

await session.start();
post({ type: 'ready' });
