// What the bot contact says in its conversation about the instance's
// connection, worded as Evolution words it: each QR code (its image, and the
// pairing code when there is one), the connection opening, the instance
// closed for good, and running out of QR codes.
import type { EventName } from '../events/names.js';
import type { EventPayloads } from '../events/payloads.js';

/** One post in the bot conversation: text, and an image when the post is a QR code. */
export interface BotNotice {
  content: string;
  /** A PNG, base64 without the data URL prefix. */
  image: { base64: string; filename: string } | null;
}

export const QR_NOTICE = '⚡️QRCode successfully generated!\n\nScan this QR code within the next 40 seconds.';
export const QR_LIMIT_NOTICE = "🚨 QRCode generation limit reached, to generate a new QRCode, send the 'init' message again.";
export const CONNECTED_NOTICE = '🚀 Connection successfully established!';
export const closedNotice = (inboxName: string) => `⚠️ ${inboxName} instance status: *closed*.`;

/** Closes after which the instance does not reconnect by itself (Evolution's list): logged out, forbidden and the like. */
const FINAL_CLOSE_CODES: readonly number[] = [401, 402, 403, 406];

const DATA_URL_PREFIX = /^data:image\/png;base64,/;

/** `ABCD1234` → `ABCD-1234`, as WhatsApp shows it on the phone. */
const groupedPairingCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4, 8)}`;

function qrNotice(data: EventPayloads['QRCODE_UPDATED'], instanceName: string): BotNotice | null {
  if (!('qrcode' in data)) return { content: QR_LIMIT_NOTICE, image: null };
  const { base64, pairingCode } = data.qrcode;
  // The dispatcher renders the image; without it there is nothing to scan.
  if (!base64) return null;
  const content = pairingCode ? `${QR_NOTICE}\n\n*Pairing Code:* ${groupedPairingCode(pairingCode)}` : QR_NOTICE;
  return { content, image: { base64: base64.replace(DATA_URL_PREFIX, ''), filename: `${instanceName}.png` } };
}

/** The notice an event calls for, or null when the bot has nothing to say about it. */
export function botNotice<E extends EventName>(event: E, data: EventPayloads[E], names: { instance: string; inbox: string }): BotNotice | null {
  switch (event) {
    case 'QRCODE_UPDATED':
      return qrNotice(data as EventPayloads['QRCODE_UPDATED'], names.instance);
    case 'CONNECTION_UPDATE':
      return (data as EventPayloads['CONNECTION_UPDATE']).state === 'open' ? { content: CONNECTED_NOTICE, image: null } : null;
    case 'STATUS_INSTANCE': {
      const status = data as EventPayloads['STATUS_INSTANCE'];
      const code = status.disconnectionReasonCode;
      // A close that reconnects by itself is not news: only one that waits for the user is.
      const final = status.status === 'close' && typeof code === 'number' && FINAL_CLOSE_CODES.includes(code);
      return final ? { content: closedNotice(names.inbox), image: null } : null;
    }
    default:
      return null;
  }
}
