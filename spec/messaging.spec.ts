import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import type { Api } from './support/api.js';
import { eventually } from './support/eventually.js';
import { FileServer } from './support/file-server.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const OWNER = '15550006000';
const CONTACT = '15550006001';
const CONTACT_JID = `${CONTACT}@s.whatsapp.net`;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('messaging through the emulator', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess;
  let api: Api;
  let receiver: WebhookReceiver;
  let files: FileServer;
  let png: Buffer;

  before(async () => {
    wa = await WaEmulator.start();
    receiver = await WebhookReceiver.start();
    files = await FileServer.start();
    png = await QRCode.toBuffer('an image for the contact');
    gateway = await GatewayProcess.start({ env: { ...emulatorEnv(wa), OUTBOX_POLL_MS: '50' } });
    api = gateway.api();
    await createPaired(api, wa, 'talk', OWNER, { webhook: { url: `${receiver.url}/talk`, base64: true } });
    wa.addContact(CONTACT, 'Carol Contact');
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
    await receiver?.stop();
    await files?.stop();
  });

  const eventsOf = (event: string) =>
    receiver.accepted.filter((r) => r.body.instance === 'talk' && r.body.event === event).map((r) => r.body.data as Record<string, unknown>);

  describe('sending', () => {
    it('sends a text the contact reads, and answers with the message as Evolution does', async () => {
      const res = await api.post('/message/sendText/talk', { number: CONTACT, text: 'Hello Carol' });
      expect(res.status).to.equal(201);
      expect(res.body.key).to.deep.include({ remoteJid: CONTACT_JID, fromMe: true });
      expect(res.body.key.id).to.be.a('string').and.not.empty;
      expect(res.body.status).to.equal('PENDING');
      expect(Number(res.body.messageTimestamp)).to.be.closeTo(Date.now() / 1000, 60);
      const received = await wa.nextMessage(CONTACT);
      expect(received.id).to.equal(res.body.key.id);
      expect(received.message.conversation ?? received.message.extendedTextMessage?.text).to.equal('Hello Carol');
      await eventually(() => eventsOf('send.message').some((d) => (d.key as { id: string }).id === res.body.key.id), 5_000, 'send.message');
    });

    it('sends an image from base64 with its caption; the contact gets the same bytes', async () => {
      const res = await api.post('/message/sendMedia/talk', {
        number: CONTACT,
        mediatype: 'image',
        media: png.toString('base64'),
        caption: 'the picture',
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const received = await wa.nextMessage(CONTACT);
      expect(received.message.imageMessage?.caption).to.equal('the picture');
      expect(received.message.imageMessage?.mimetype).to.equal('image/png');
      expect(sha256(wa.downloadReceivedMedia(received))).to.equal(sha256(png));
    });

    it('sends a document fetched from a URL, with its file name', async () => {
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3000)]);
      const url = files.serve('/report.pdf', pdf, 'application/pdf');
      const res = await api.post('/message/sendMedia/talk', { number: CONTACT, mediatype: 'document', media: url, fileName: 'report.pdf' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const received = await wa.nextMessage(CONTACT);
      expect(received.message.documentMessage?.fileName).to.equal('report.pdf');
      expect(received.message.documentMessage?.mimetype).to.equal('application/pdf');
      expect(sha256(wa.downloadReceivedMedia(received))).to.equal(sha256(pdf));
    });

    it('sends a voice note', async () => {
      const ogg = Buffer.concat([Buffer.from('OggS'), randomBytes(2000)]);
      const res = await api.post('/message/sendWhatsAppAudio/talk', { number: CONTACT, audio: ogg.toString('base64') });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const received = await wa.nextMessage(CONTACT);
      expect(received.message.audioMessage?.ptt).to.equal(true);
      expect(sha256(wa.downloadReceivedMedia(received))).to.equal(sha256(ogg));
    });

    it('sends a sticker', async () => {
      const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 0, 0, 0]), Buffer.from('WEBPVP8 '), randomBytes(500)]);
      const res = await api.post('/message/sendSticker/talk', { number: CONTACT, sticker: webp.toString('base64') });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const received = await wa.nextMessage(CONTACT);
      expect(received.message.stickerMessage).to.not.equal(undefined);
      expect(sha256(wa.downloadReceivedMedia(received))).to.equal(sha256(webp));
    });

    it('sends a location', async () => {
      const res = await api.post('/message/sendLocation/talk', {
        number: CONTACT,
        name: 'Office',
        address: '1 Main St',
        latitude: -23.5505,
        longitude: -46.6333,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const { message } = await wa.nextMessage(CONTACT);
      expect(message.locationMessage).to.include({ degreesLatitude: -23.5505, degreesLongitude: -46.6333, name: 'Office', address: '1 Main St' });
    });

    it('sends a contact card', async () => {
      const res = await api.post('/message/sendContact/talk', {
        number: CONTACT,
        contact: [{ fullName: 'Dave Doe', wuid: '15550009876', phoneNumber: '+1 555 000 9876' }],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const { message } = await wa.nextMessage(CONTACT);
      const card = message.contactMessage ?? message.contactsArrayMessage?.contacts?.[0];
      expect(card?.displayName).to.equal('Dave Doe');
      expect(card?.vcard).to.include('FN:Dave Doe').and.include('waid=15550009876');
    });

    it('sends a poll with its options', async () => {
      const res = await api.post('/message/sendPoll/talk', { number: CONTACT, name: 'Lunch?', selectableCount: 1, values: ['Pizza', 'Sushi', 'Salad'] });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const { message } = await wa.nextMessage(CONTACT);
      const poll = message.pollCreationMessage ?? message.pollCreationMessageV2 ?? message.pollCreationMessageV3;
      expect(poll?.name).to.equal('Lunch?');
      expect(poll?.options?.map((o) => o.optionName)).to.deep.equal(['Pizza', 'Sushi', 'Salad']);
    });

    it('reacts to a message the contact got', async () => {
      const sent = await api.post('/message/sendText/talk', { number: CONTACT, text: 'react to me' });
      await wa.nextMessage(CONTACT);
      const res = await api.post('/message/sendReaction/talk', { key: { remoteJid: CONTACT_JID, fromMe: true, id: sent.body.key.id }, reaction: '👍' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const { message } = await wa.nextMessage(CONTACT);
      expect(message.reactionMessage?.text).to.equal('👍');
      expect(message.reactionMessage?.key?.id).to.equal(sent.body.key.id);
    });

    it('sends a video from base64', async () => {
      const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), randomBytes(4000)]);
      const res = await api.post('/message/sendMedia/talk', { number: CONTACT, mediatype: 'video', media: mp4.toString('base64'), caption: 'the clip' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const received = await wa.nextMessage(CONTACT);
      expect(received.message.videoMessage?.caption).to.equal('the clip');
      expect(sha256(wa.downloadReceivedMedia(received))).to.equal(sha256(mp4));
    });

    it('quotes an earlier message and mentions the contact', async () => {
      const first = await api.post('/message/sendText/talk', { number: CONTACT, text: 'first' });
      await wa.nextMessage(CONTACT);
      const res = await api.post('/message/sendText/talk', {
        number: CONTACT,
        text: `about that, @${CONTACT}`,
        quoted: { key: { id: first.body.key.id, remoteJid: CONTACT_JID, fromMe: true }, message: { conversation: 'first' } },
        mentioned: [CONTACT],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const { message } = await wa.nextMessage(CONTACT);
      const context = message.extendedTextMessage?.contextInfo;
      expect(context?.stanzaId).to.equal(first.body.key.id);
      expect(context?.quotedMessage?.conversation).to.equal('first');
      expect(context?.mentionedJid).to.deep.equal([CONTACT_JID]);
    });

    it('shows "typing" for the given delay before it sends', async () => {
      const started = Date.now();
      const res = await api.post('/message/sendText/talk', { number: CONTACT, text: 'after a pause', delay: 800 });
      expect(res.status).to.equal(201);
      const received = await wa.nextMessage(CONTACT);
      expect(received.at - started).to.be.at.least(800);
      const typing = wa.stanzas.find((s) => s.dir === 'in' && s.node.tag === 'chatstate' && s.node.attrs.to === CONTACT_JID && s.at >= started);
      expect(typing, 'a composing chat state').to.not.equal(undefined);
      expect(typing!.at).to.be.below(received.at);
    });

    it('edits and then deletes a sent message for everyone', async () => {
      const sent = await api.post('/message/sendText/talk', { number: CONTACT, text: 'tpyo' });
      await wa.nextMessage(CONTACT);
      const key = { id: sent.body.key.id, remoteJid: CONTACT_JID, fromMe: true };
      const edit = await api.post('/chat/updateMessage/talk', { number: CONTACT, key, text: 'typo' });
      expect(edit.status, JSON.stringify(edit.body)).to.equal(200);
      const edited = (await wa.nextMessage(CONTACT)).message.protocolMessage;
      expect(edited?.key?.id).to.equal(key.id);
      expect(edited?.editedMessage?.conversation ?? edited?.editedMessage?.extendedTextMessage?.text).to.equal('typo');

      const removed = await api.request('DELETE', '/chat/deleteMessageForEveryone/talk', key);
      expect(removed.status, JSON.stringify(removed.body)).to.equal(201);
      const revoke = (await wa.nextMessage(CONTACT)).message.protocolMessage;
      expect(revoke?.key?.id).to.equal(key.id);
      expect(revoke?.type).to.equal(0); // REVOKE
    });

    it('answers 400 for a number that is not on WhatsApp, and sends nothing', async () => {
      const before = wa.receivedMessages('15550001234').length;
      const res = await api.post('/message/sendText/talk', { number: '15550001234', text: 'anyone?' });
      expect(res.status).to.equal(400);
      expect(JSON.stringify(res.body.response.message)).to.include('15550001234');
      expect(wa.receivedMessages('15550001234').length).to.equal(before);
    });

    it('answers a clear 400 at once for an instance that is not connected', async () => {
      await api.post('/instance/create', { instanceName: 'offline' });
      const started = Date.now();
      const res = await api.post('/message/sendText/offline', { number: CONTACT, text: 'hello?' });
      expect(res.status).to.equal(400);
      expect(res.body.response.message).to.deep.equal(['The "offline" instance is not connected']);
      expect(Date.now() - started).to.be.below(2_000);
    });
  });

  describe('receiving', () => {
    it('turns a contact\'s text into messages.upsert with its key, pushName and message', async () => {
      const { id } = await wa.sendTextToClient(CONTACT, OWNER, 'Hi from Carol');
      await eventually(() => eventsOf('messages.upsert').some((d) => (d.key as { id: string }).id === id), 5_000, 'messages.upsert');
      const data = eventsOf('messages.upsert').find((d) => (d.key as { id: string }).id === id)!;
      expect(data.key).to.deep.include({ remoteJid: CONTACT_JID, fromMe: false, id });
      expect(data.pushName).to.equal('Carol Contact');
      expect(data.message).to.deep.include({ conversation: 'Hi from Carol' });
      expect(data.messageType).to.equal('conversation');
    });

    it('attaches an incoming image\'s bytes as base64 when the webhook asks for it', async () => {
      const { id } = await wa.sendMediaToClient(CONTACT, OWNER, { kind: 'image', bytes: png, mimetype: 'image/png', caption: 'look' });
      await eventually(() => eventsOf('messages.upsert').some((d) => (d.key as { id: string }).id === id), 10_000, 'the image upsert');
      const data = eventsOf('messages.upsert').find((d) => (d.key as { id: string }).id === id)!;
      const message = data.message as { base64?: string; imageMessage?: { caption?: string } };
      expect(message.imageMessage?.caption).to.equal('look');
      expect(sha256(Buffer.from(String(message.base64), 'base64'))).to.equal(sha256(png));
    });

    it('marks incoming messages as read when readMessages is on, and on request', async () => {
      const receiptsFor = (id: string) =>
        wa.stanzas.filter((s) => s.dir === 'in' && s.node.tag === 'receipt' && s.node.attrs.type === 'read' && JSON.stringify(s.node).includes(id));
      const quiet = await wa.sendTextToClient(CONTACT, OWNER, 'read me later');
      await eventually(() => eventsOf('messages.upsert').some((d) => (d.key as { id: string }).id === quiet.id), 5_000, 'the upsert');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiptsFor(quiet.id)).to.have.length(0);
      const marked = await api.post('/chat/markMessageAsRead/talk', { readMessages: [{ id: quiet.id, remoteJid: CONTACT_JID, fromMe: false }] });
      expect(marked.status, JSON.stringify(marked.body)).to.equal(201);
      await eventually(() => receiptsFor(quiet.id).length > 0, 5_000, 'the read receipt on request');

      expect((await api.post('/settings/set/talk', { readMessages: true })).status).to.equal(201);
      const eager = await wa.sendTextToClient(CONTACT, OWNER, 'read me now');
      await eventually(() => receiptsFor(eager.id).length > 0, 5_000, 'the automatic read receipt');
      await api.post('/settings/set/talk', { readMessages: false });
    });

    it('turns the contact\'s delivery and read receipts into messages.update', async () => {
      wa.receiptPolicy({ delivery: 400, read: 1_200 });
      const res = await api.post('/message/sendText/talk', { number: CONTACT, text: 'did you read this?' });
      const id = res.body.key.id as string;
      const statuses = () => eventsOf('messages.update').filter((d) => d.keyId === id || (d.key as { id?: string } | undefined)?.id === id).map((d) => d.status);
      await eventually(() => statuses().includes('READ'), 8_000, 'the read receipt');
      expect(statuses()).to.include('DELIVERY_ACK');
      expect(statuses().indexOf('DELIVERY_ACK')).to.be.below(statuses().indexOf('READ'));
    });
  });

  describe('the message store', () => {
    it('finds what was sent and received in the chat, newest first, page by page', async () => {
      const all = await api.post('/chat/findMessages/talk', { where: { key: { remoteJid: CONTACT_JID } }, page: 1, offset: 100 });
      expect(all.status).to.equal(200);
      const total = all.body.messages.total as number;
      expect(total).to.be.at.least(10);
      const records = all.body.messages.records as { key: { id: string; fromMe: boolean } }[];
      expect(records.some((r) => r.key.fromMe)).to.equal(true);
      expect(records.some((r) => !r.key.fromMe)).to.equal(true);

      const first = await api.post('/chat/findMessages/talk', { where: { key: { remoteJid: CONTACT_JID } }, page: 1, offset: 4 });
      const second = await api.post('/chat/findMessages/talk', { where: { key: { remoteJid: CONTACT_JID } }, page: 2, offset: 4 });
      expect(first.body.messages).to.include({ total, pages: Math.ceil(total / 4), currentPage: 1 });
      expect(second.body.messages.currentPage).to.equal(2);
      const ids = (page: typeof first) => (page.body.messages.records as { key: { id: string } }[]).map((r) => r.key.id);
      expect(ids(first)).to.have.length(4);
      expect(ids(first).concat(ids(second))).to.deep.equal(records.slice(0, 8).map((r) => r.key.id));
      const received = await api.post('/chat/findMessages/talk', { where: { key: { remoteJid: CONTACT_JID, fromMe: false } } });
      expect((received.body.messages.records as { key: { fromMe: boolean } }[]).every((r) => !r.key.fromMe)).to.equal(true);
    });

    it('lists the contact and the chat', async () => {
      const contacts = await api.post('/chat/findContacts/talk', { where: { remoteJid: CONTACT_JID } });
      expect(contacts.status).to.equal(200);
      expect(contacts.body[0]).to.include({ remoteJid: CONTACT_JID, pushName: 'Carol Contact' });
      const byName = await api.post('/chat/findContacts/talk', { where: { pushName: 'carol' } });
      expect(byName.body.map((c: { remoteJid: string }) => c.remoteJid)).to.deep.equal([CONTACT_JID]);
      const chats = await api.post('/chat/findChats/talk', {});
      expect(chats.body.map((c: { remoteJid: string }) => c.remoteJid)).to.include(CONTACT_JID);
    });

    it('tells which numbers are on WhatsApp', async () => {
      const res = await api.post('/chat/whatsappNumbers/talk', { numbers: [CONTACT, '15550001234'] });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.include({ exists: true, jid: CONTACT_JID, number: CONTACT });
      expect(res.body.find((r: { number: string }) => r.number === '15550001234').exists).to.equal(false);
    });
  });
});
