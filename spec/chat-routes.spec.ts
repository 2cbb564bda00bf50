import { expect } from 'chai';
import QRCode from 'qrcode';
import type { Api } from './support/api.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const OWNER = '15550009000';
const CONTACT = '15550009001';
const PEST = '15550009002';
const NOT_ON_WHATSAPP = '15550009099';
const jid = (pn: string) => `${pn}@s.whatsapp.net`;

describe('chat routes through the emulator', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess;
  let api: Api;

  before(async () => {
    wa = await WaEmulator.start();
    gateway = await GatewayProcess.start({ env: emulatorEnv(wa) });
    api = gateway.api();
    await createPaired(api, wa, 'chats', OWNER);
    wa.addContact(CONTACT, 'Cora Contact');
    wa.addContact(PEST, 'Pete Pest');
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
  });

  const storedIds = async (remoteJid: string): Promise<string[]> => {
    const res = await api.post('/chat/findMessages/chats', { where: { key: { remoteJid } } });
    return (res.body.messages.records as { key: { id: string } }[]).map((record) => record.key.id);
  };

  describe('sendPresence', () => {
    it('shows typing in the chat for the delay, then paused', async () => {
      const started = Date.now();
      const res = await api.post('/chat/sendPresence/chats', { number: CONTACT, presence: 'composing', delay: 400 });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.deep.equal({ presence: 'composing' });
      expect(Date.now() - started).to.be.at.least(400);
      await eventually(() => wa.chatStates(CONTACT).length === 2, 5_000, 'the paused state at the phone');
      const shown = wa.chatStates(CONTACT).map(({ from, state }) => ({ from, state }));
      expect(shown).to.deep.equal([
        { from: OWNER, state: 'composing' },
        { from: OWNER, state: 'paused' },
      ]);
      const [typing, paused] = wa.chatStates(CONTACT);
      // The emulated phone stamps each stanza when its event loop, shared with the gateway
      // in this process, gets to the bytes: under load that lags arrival by a few ms.
      const loopLagMs = 20;
      expect(paused!.at - typing!.at).to.be.at.least(400 - loopLagMs);
    });

    it('shows recording for a voice note', async () => {
      const before = wa.chatStates(CONTACT).length;
      const res = await api.post('/chat/sendPresence/chats', { number: jid(CONTACT), presence: 'recording', delay: 0 });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.deep.equal({ presence: 'recording' });
      await eventually(() => wa.chatStates(CONTACT).length === before + 2, 5_000, 'the paused state at the phone');
      expect(wa.chatStates(CONTACT).slice(before).map(({ state }) => state)).to.deep.equal(['recording', 'paused']);
    });

    it('refuses a number not on WhatsApp, a missing delay and an unknown presence', async () => {
      const absent = await api.post('/chat/sendPresence/chats', { number: NOT_ON_WHATSAPP, presence: 'composing', delay: 0 });
      expect(absent.status).to.equal(400);
      expect(wa.chatStates(NOT_ON_WHATSAPP)).to.deep.equal([]);
      const noDelay = await api.post('/chat/sendPresence/chats', { number: CONTACT, presence: 'composing' });
      expect(noDelay.status).to.equal(400);
      const dancing = await api.post('/chat/sendPresence/chats', { number: CONTACT, presence: 'dancing', delay: 0 });
      expect(dancing.status).to.equal(400);
    });
  });

  describe('updateBlockStatus', () => {
    it("blocks a contact: WhatsApp keeps the contact's messages away until unblocked", async () => {
      const blocked = await api.post('/chat/updateBlockStatus/chats', { number: PEST, status: 'block' });
      expect(blocked.status, JSON.stringify(blocked.body)).to.equal(201);
      expect(blocked.body).to.deep.equal({ block: 'success' });
      expect(wa.blocklist(OWNER)).to.deep.equal([PEST]);

      const kept = await wa.sendTextToClient(PEST, OWNER, 'buy my stuff');

      const unblocked = await api.post('/chat/updateBlockStatus/chats', { number: jid(PEST), status: 'unblock' });
      expect(unblocked.status, JSON.stringify(unblocked.body)).to.equal(201);
      expect(unblocked.body).to.deep.equal({ block: 'success' });
      expect(wa.blocklist(OWNER)).to.deep.equal([]);

      // Sent after the first on the same connection: once it is stored, the first would be too.
      const letThrough = await wa.sendTextToClient(PEST, OWNER, 'sorry, friends again?');
      await eventually(async () => (await storedIds(jid(PEST))).includes(letThrough.id), 10_000, 'the message after unblocking');
      expect(await storedIds(jid(PEST))).to.not.include(kept.id);
    });

    it('refuses an unknown status and a number not on WhatsApp', async () => {
      const odd = await api.post('/chat/updateBlockStatus/chats', { number: PEST, status: 'mute' });
      expect(odd.status).to.equal(400);
      const absent = await api.post('/chat/updateBlockStatus/chats', { number: NOT_ON_WHATSAPP, status: 'block' });
      expect(absent.status).to.equal(400);
      expect(wa.blocklist(OWNER)).to.deep.equal([]);
    });
  });

  describe('getBase64FromMediaMessage', () => {
    it("answers a received image's bytes, downloaded again from the media host, as Evolution does", async () => {
      const png = await QRCode.toBuffer('a photo for base64');
      const { id } = await wa.sendMediaToClient(CONTACT, OWNER, { kind: 'image', bytes: png, mimetype: 'image/png', caption: 'the shelf' });
      await eventually(async () => (await storedIds(jid(CONTACT))).includes(id), 10_000, 'the stored image');
      const downloadsBefore = wa.mediaDownloads.length;

      const res = await api.post('/chat/getBase64FromMediaMessage/chats', { message: { key: { id } } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(Buffer.from(res.body.base64, 'base64').equals(png)).to.equal(true);
      expect(res.body).to.include({ mediaType: 'imageMessage', fileName: `${id}.png`, caption: 'the shelf', mimetype: 'image/png', buffer: null });
      expect(res.body.size.fileLength).to.equal(png.length);
      expect(wa.mediaDownloads.length).to.be.greaterThan(downloadsBefore);
    });

    it("answers a sent document's bytes under its file name", async () => {
      const pdf = Buffer.from('%PDF-1.4 a tiny invoice');
      const sent = await api.post('/message/sendMedia/chats', {
        number: CONTACT,
        mediatype: 'document',
        mimetype: 'application/pdf',
        fileName: 'invoice.pdf',
        media: pdf.toString('base64'),
      });
      expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
      const res = await api.post('/chat/getBase64FromMediaMessage/chats', { message: { key: { id: sent.body.key.id } }, convertToMp4: false });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(Buffer.from(res.body.base64, 'base64').equals(pdf)).to.equal(true);
      expect(res.body).to.include({ mediaType: 'documentMessage', fileName: 'invoice.pdf', mimetype: 'application/pdf' });
    });

    it('answers 404 for an unknown message and 400 for a message without media', async () => {
      const unknown = await api.post('/chat/getBase64FromMediaMessage/chats', { message: { key: { id: 'NO-SUCH-MESSAGE' } } });
      expect(unknown.status).to.equal(404);
      const text = await wa.sendTextToClient(CONTACT, OWNER, 'just words');
      await eventually(async () => (await storedIds(jid(CONTACT))).includes(text.id), 10_000, 'the stored text');
      const plain = await api.post('/chat/getBase64FromMediaMessage/chats', { message: { key: { id: text.id } } });
      expect(plain.status).to.equal(400);
      const noKey = await api.post('/chat/getBase64FromMediaMessage/chats', { message: {} });
      expect(noKey.status).to.equal(400);
    });
  });
});
