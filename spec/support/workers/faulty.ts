// A worker that speaks the real worker protocol but fails on purpose, chosen
// by the instance name: the supervisor under test sees genuine thread crashes.
//   crash-always-*  throws right after starting, every time
//   crash-once-*    throws on its first start only, then behaves
//   hang-*          starts, but never answers a command
//   anything else   behaves: answers every command
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerData } from '../../../lib/supervisor/protocol.js';

const data = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('must run as a worker');
const post = (message: FromWorker) => port.postMessage(message);

const crashes = data.instanceName.startsWith('crash-always-') || (data.instanceName.startsWith('crash-once-') && data.attempt === 0);
const hangs = data.instanceName.startsWith('hang-');

port.on('message', (message: ToWorker) => {
  if (hangs || message.type !== 'request') return;
  const { id, command } = message;
  if (command.kind === 'close') {
    post({ type: 'reply', id, ok: true, result: { closed: true } });
    setImmediate(() => process.exit(0));
    return;
  }
  // `attempt` rides along so that specs can tell a restarted worker from the first one.
  post({ type: 'reply', id, ok: true, result: { state: 'connecting', attempt: data.attempt } as { state: 'connecting' } });
});

post({ type: 'ready' });
post({ type: 'connection', patch: { connectionStatus: 'connecting' } });
if (crashes) setTimeout(() => { throw new Error(`boom in ${data.instanceName}`); }, 20);
