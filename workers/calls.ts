import type { WASocket } from '@whiskeysockets/baileys';
import type { Settings } from '../lib/instance-config/settings.js';
import type { Emit } from '../lib/events/payloads.js';
import type { Logger } from '../lib/logger.js';

interface CallContext {
  settings: () => Settings;
  logger: Logger;
  emit: Emit;
}

/** Reports calls as CALL events; with rejectCall on, rejects offers and answers with msgCall. */
export function attachCallHandler(socket: WASocket, context: CallContext): void {
  socket.ev.on('call', (calls) => {
    for (const call of calls) {
      context.emit('CALL', call);
      const { rejectCall, msgCall } = context.settings();
      if (call.status !== 'offer' || !rejectCall) continue;
      void (async () => {
        await socket.rejectCall(call.id, call.from);
        if (msgCall) await socket.sendMessage(call.from, { text: msgCall });
        context.logger.info({ callId: call.id, from: call.from }, 'call rejected');
      })().catch((error: unknown) => context.logger.warn({ err: error, callId: call.id }, 'could not reject call'));
    }
  });
}
