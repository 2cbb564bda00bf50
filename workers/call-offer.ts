import { encodeSignedDeviceIdentity, generateMessageID, type BinaryNode, type WASocket } from '@whiskeysockets/baileys';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../lib/logger.js';

/** What the offer says this device can do: Opus audio, and VP8 video for a video call. */
function capabilities(isVideo: boolean): BinaryNode[] {
  return [
    { tag: 'audio', attrs: { enc: 'opus', rate: '16000' } },
    { tag: 'audio', attrs: { enc: 'opus', rate: '8000' } },
    ...(isVideo
      ? [{ tag: 'video', attrs: { enc: 'vp8', dec: 'vp8', orientation: '0', screen_width: '1920', screen_height: '1080', device_orientation: '0' } }]
      : []),
    { tag: 'net', attrs: { medium: '3' } },
    { tag: 'capability', attrs: { ver: '1' }, content: new Uint8Array([1, 4, 255, 131, 207, 4]) },
    { tag: 'encopt', attrs: { keygen: '2' } },
  ];
}

/**
 * Offers a call to `jid`: a `<call><offer>` stanza carrying a fresh call key
 * encrypted for each of the callee's devices, which makes them ring. Baileys
 * carries no call media, so nobody can answer with sound: the offer is ended
 * with `<terminate>` after `durationMs`.
 */
export async function offerCall(socket: WASocket, jid: string, isVideo: boolean, durationMs: number, logger: Logger): Promise<string> {
  const me = socket.user?.id;
  if (!me) throw new Error('not logged in');
  const callId = randomBytes(16).toString('hex').toUpperCase();
  const devices = (await socket.getUSyncDevices([jid], true, false)).map((device) => device.jid);
  await socket.assertSessions(devices, false);
  const callKey = randomBytes(32);
  const { nodes, shouldIncludeDeviceIdentity } = await socket.createParticipantNodes(devices, { call: { callKey } }, { count: '0' });
  const account = socket.authState.creds.account;
  const offer: BinaryNode = {
    tag: 'offer',
    attrs: { 'call-id': callId, 'call-creator': me },
    content: [
      ...capabilities(isVideo),
      { tag: 'destination', attrs: {}, content: nodes },
      ...(shouldIncludeDeviceIdentity && account ? [{ tag: 'device-identity', attrs: {}, content: encodeSignedDeviceIdentity(account, true) }] : []),
    ],
  };
  await socket.query({ tag: 'call', attrs: { id: generateMessageID(), to: jid }, content: [offer] });
  setTimeout(() => {
    const terminate: BinaryNode = { tag: 'terminate', attrs: { 'call-id': callId, 'call-creator': me } };
    socket.query({ tag: 'call', attrs: { id: generateMessageID(), to: jid }, content: [terminate] }).catch((error: unknown) => {
      logger.warn({ err: error, callId }, 'could not end the offered call');
    });
  }, durationMs).unref();
  return callId;
}
