import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import type { Api, ApiResponse } from './support/api.js';
import { eventually } from './support/eventually.js';
import { FileServer } from './support/file-server.js';
import { API_KEY, GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

// Bodies below are shaped as Evolution API v2 clients send them (its API
// reference, the n8n node, the manager): ids without the rest of the key,
// numbers where a jid is expected, multipart forms with text fields.

const OWNER = '15550007000';
const CONTACT = '15550007001';
const CONTACT_JID = `${CONTACT}@s.whatsapp.net`;
const CONTACT_WRITTEN = '+1 (555) 000-7001';
const sha256 = (bytes: Buffer | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('Evolution client bodies for messaging', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess;
  let api: Api;
  let files: FileServer;
  let uploads: string;

  before(async () => {
    wa = await WaEmulator.start();
    files = await FileServer.start();
    // The gateway's own temporary directory: what multipart uploads leave behind shows there.
    uploads = mkdtempSync(join(tmpdir(), 'gateway-uploads-'));
    gateway = await GatewayProcess.start({ env: { ...emulatorEnv(wa), TMPDIR: uploads } });
    api = gateway.api();
    await createPaired(api, wa, 'evo', OWNER);
    wa.addContact(CONTACT, 'Erin Evolution');
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
    await files?.stop();
    if (uploads) rmSync(uploads, { recursive: true, force: true });
  });

  async function postForm(path: string, fields: Record<string, string>, file?: { bytes: Buffer; type: string; name: string }): Promise<ApiResponse> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    if (file) form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
    const response = await fetch(`${api.baseUrl}${path}`, { method: 'POST', headers: { apikey: API_KEY }, body: form });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  /** Waits until the store holds the message, as a reply quoting it by id needs. */
  async function stored(id: string): Promise<void> {
    await eventually(
      async () => (await api.post('/chat/findMessages/evo', { where: { key: { id } } })).body.messages.total === 1,
      5_000,
      `message ${id} in the store`,
    );
  }

  async function sentText(text: string): Promise<string> {
    const res = await api.post('/message/sendText/evo', { number: CONTACT, text });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    await wa.nextMessage(CONTACT);
    return res.body.key.id as string;
  }

  describe('quoted replies by id', () => {
    it('quotes a message the contact sent, given only its id', async () => {
      const { id } = await wa.sendTextToClient(CONTACT, OWNER, 'Is the shop open today?');
      await stored(id);
      const res = await api.post('/message/sendText/evo', { number: CONTACT, text: 'Yes, until 6', quoted: { key: { id } } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const { message } = await wa.nextMessage(CONTACT);
      const context = message.extendedTextMessage?.contextInfo;
      expect(context?.stanzaId).to.equal(id);
      expect(context?.participant).to.equal(CONTACT_JID);
      expect(context?.quotedMessage?.conversation).to.equal('Is the shop open today?');
    });

    it('quotes a message this instance sent, given its id and fromMe', async () => {
      const id = await sentText('The order left this morning');
      await stored(id);
      const res = await api.post('/message/sendText/evo', { number: CONTACT, text: 'It arrives tomorrow', quoted: { key: { id, fromMe: true } } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const { message } = await wa.nextMessage(CONTACT);
      const context = message.extendedTextMessage?.contextInfo;
      expect(context?.stanzaId).to.equal(id);
      expect(context?.participant).to.equal(`${OWNER}@s.whatsapp.net`);
      const quoted = context?.quotedMessage;
      expect(quoted?.conversation ?? quoted?.extendedTextMessage?.text).to.equal('The order left this morning');
    });

    it('quotes a message it sent the moment that send answered, before the store has committed it', async () => {
      for (let round = 0; round < 5; round++) {
        const sent = await api.post('/message/sendText/evo', { number: CONTACT, text: `question ${round}` });
        expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
        const id = sent.body.key.id as string;
        const reply = await api.post('/message/sendText/evo', { number: CONTACT, text: `answer ${round}`, quoted: { key: { id } } });
        expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
        await wa.nextMessage(CONTACT);
        const { message } = await wa.nextMessage(CONTACT);
        expect(message.extendedTextMessage?.contextInfo?.stanzaId).to.equal(id);
      }
    });

    it('answers 400 naming the id for a message the instance does not know, and sends nothing', async () => {
      const before = wa.receivedMessages(CONTACT).length;
      const res = await api.post('/message/sendText/evo', { number: CONTACT, text: 'reply', quoted: { key: { id: 'NOSUCHMESSAGE' } } });
      expect(res.status).to.equal(400);
      expect(res.body.response.message).to.deep.equal(['quoted.key.id: no message with id NOSUCHMESSAGE is known to this instance']);
      expect(wa.receivedMessages(CONTACT).length).to.equal(before);
    });
  });

  describe('multipart uploads', () => {
    it('sends an uploaded image with its caption; the contact gets the same bytes', async () => {
      const png = await QRCode.toBuffer('an uploaded picture');
      const res = await postForm('/message/sendMedia/evo', { number: CONTACT, mediatype: 'image', caption: 'uploaded', delay: '50' }, { bytes: png, type: 'image/png', name: 'photo.png' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const received = await wa.nextMessage(CONTACT);
      expect(received.message.imageMessage?.caption).to.equal('uploaded');
      expect(received.message.imageMessage?.mimetype).to.equal('image/png');
      expect(sha256(wa.downloadReceivedMedia(received))).to.equal(sha256(png));
    });

    it('names an uploaded document after its file part', async () => {
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2000)]);
      const res = await postForm('/message/sendMedia/evo', { number: CONTACT, mediatype: 'document' }, { bytes: pdf, type: 'application/pdf', name: 'invoice.pdf' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const received = await wa.nextMessage(CONTACT);
      expect(received.message.documentMessage?.fileName).to.equal('invoice.pdf');
      expect(received.message.documentMessage?.mimetype).to.equal('application/pdf');
      expect(sha256(wa.downloadReceivedMedia(received))).to.equal(sha256(pdf));
    });

    it('sends an uploaded audio as a voice note', async () => {
      const ogg = Buffer.concat([Buffer.from('OggS'), randomBytes(1500)]);
      const res = await postForm('/message/sendWhatsAppAudio/evo', { number: CONTACT }, { bytes: ogg, type: 'audio/ogg', name: 'voice.ogg' });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const received = await wa.nextMessage(CONTACT);
      expect(received.message.audioMessage?.ptt).to.equal(true);
      expect(sha256(wa.downloadReceivedMedia(received))).to.equal(sha256(ogg));
    });

    it('answers 400 naming the file when the form has none, and for fields of the wrong type', async () => {
      const missing = await postForm('/message/sendMedia/evo', { number: CONTACT, mediatype: 'image' });
      expect(missing.status).to.equal(400);
      expect(missing.body.response.message).to.deep.equal(['file is required (or media as a URL or base64)']);
      const png = await QRCode.toBuffer('never sent');
      const wrong = await postForm('/message/sendMedia/evo', { number: CONTACT, mediatype: 'image', delay: 'soon' }, { bytes: png, type: 'image/png', name: 'x.png' });
      expect(wrong.status).to.equal(400);
      expect(wrong.body.response.message).to.deep.equal(['delay must be an integer']);
    });

    it('leaves no temporary file behind, after a send or a refusal', async () => {
      await eventually(() => readdirSync(uploads).length === 0, 5_000, 'an empty temporary directory');
    });
  });

  describe('mentions', () => {
    it('mentions the numbers given, as jids, at the phone', async () => {
      const res = await api.post('/message/sendText/evo', { number: CONTACT, text: `hi @${CONTACT}`, mentioned: [CONTACT_WRITTEN] });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const { message } = await wa.nextMessage(CONTACT);
      expect(message.extendedTextMessage?.contextInfo?.mentionedJid).to.deep.equal([CONTACT_JID]);
    });

    it('mentions nobody for mentionsEveryOne outside a group', async () => {
      const res = await api.post('/message/sendText/evo', { number: CONTACT, text: 'hello all', mentionsEveryOne: true });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const { message } = await wa.nextMessage(CONTACT);
      expect(message.extendedTextMessage?.contextInfo?.mentionedJid ?? []).to.deep.equal([]);
    });
  });

  describe('link previews', () => {
    let page: string;
    before(() => {
      const html = `<!doctype html><html><head><title>Spring sale</title>
        <meta property="og:title" content="Spring sale &amp; more">
        <meta property="og:description" content="Everything 20% off until Sunday">
      </head><body>sale</body></html>`;
      page = files.serve('/sale.html', Buffer.from(html), 'text/html; charset=utf-8');
    });

    it('previews the first link of a text by default', async () => {
      const res = await api.post('/message/sendText/evo', { number: CONTACT, text: `Look: ${page} and tell me` });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const text = (await wa.nextMessage(CONTACT)).message.extendedTextMessage;
      expect(text?.matchedText).to.equal(page);
      expect(text?.title).to.equal('Spring sale & more');
      expect(text?.description).to.equal('Everything 20% off until Sunday');
    });

    it('sends the text without a preview for linkPreview: false', async () => {
      const res = await api.post('/message/sendText/evo', { number: CONTACT, text: `Plain ${page}`, linkPreview: false });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const { message } = await wa.nextMessage(CONTACT);
      expect(message.conversation ?? message.extendedTextMessage?.text).to.equal(`Plain ${page}`);
      expect(message.extendedTextMessage?.matchedText ?? undefined).to.equal(undefined);
      expect(message.extendedTextMessage?.title ?? undefined).to.equal(undefined);
    });
  });

  describe('numbers where a jid is expected', () => {
    it('reacts, edits and deletes with key.remoteJid given as a written number', async () => {
      const id = await sentText('numbers as keys');
      const key = { id, remoteJid: CONTACT_WRITTEN, fromMe: true };
      const reaction = await api.post('/message/sendReaction/evo', { key, reaction: '🎉' });
      expect(reaction.status, JSON.stringify(reaction.body)).to.equal(201);
      const reacted = (await wa.nextMessage(CONTACT)).message.reactionMessage;
      expect(reacted?.key?.id).to.equal(id);
      expect(reacted?.key?.remoteJid).to.equal(CONTACT_JID);

      const edit = await api.post('/chat/updateMessage/evo', { number: CONTACT, key, text: 'numbers as jids' });
      expect(edit.status, JSON.stringify(edit.body)).to.equal(200);
      expect((await wa.nextMessage(CONTACT)).message.protocolMessage?.key?.id).to.equal(id);

      const removed = await api.request('DELETE', '/chat/deleteMessageForEveryone/evo', { ...key, remoteJid: CONTACT });
      expect(removed.status, JSON.stringify(removed.body)).to.equal(201);
      const revoke = (await wa.nextMessage(CONTACT)).message.protocolMessage;
      expect(revoke?.key?.id).to.equal(id);
      expect(revoke?.type).to.equal(0); // REVOKE
    });

    it('marks a message read with its chat given as bare digits', async () => {
      const { id } = await wa.sendTextToClient(CONTACT, OWNER, 'read me');
      await stored(id);
      const res = await api.post('/chat/markMessageAsRead/evo', { readMessages: [{ id, remoteJid: CONTACT, fromMe: false }] });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      await wa.waitFor((s) => s.dir === 'in' && s.node.tag === 'receipt' && s.node.attrs.type === 'read' && JSON.stringify(s.node).includes(id), 5_000);
    });

    it('quotes by id with quoted.key.remoteJid given as a written number', async () => {
      const { id } = await wa.sendTextToClient(CONTACT, OWNER, 'quote me by number');
      await stored(id);
      const res = await api.post('/message/sendText/evo', { number: CONTACT, text: 'quoted', quoted: { key: { id, remoteJid: CONTACT_WRITTEN } } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const context = (await wa.nextMessage(CONTACT)).message.extendedTextMessage?.contextInfo;
      expect(context?.stanzaId).to.equal(id);
      expect(context?.quotedMessage?.conversation).to.equal('quote me by number');
    });
  });

  describe('findMessages as Evolution clients page it', () => {
    it('takes offset 0 as the default page size of 50, with where.key.remoteJid as a number', async () => {
      const res = await api.post('/chat/findMessages/evo', { where: { key: { remoteJid: CONTACT_WRITTEN } }, page: 1, offset: 0 });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const { total, pages, currentPage, records } = res.body.messages;
      expect(total).to.be.at.least(10);
      expect(pages).to.equal(Math.ceil(total / 50));
      expect(currentPage).to.equal(1);
      expect(records).to.have.length(Math.min(total, 50));
      expect(records.every((r: { key: { remoteJid: string } }) => r.key.remoteJid === CONTACT_JID)).to.equal(true);
    });

    it('reads offset as the page size and page 0 as the first page', async () => {
      // Records are stored in order after the send answers: once this one is in, every earlier one is.
      await stored(await sentText('the last one before paging'));
      const first = await api.post('/chat/findMessages/evo', { where: { key: { remoteJid: CONTACT } }, page: 0, offset: 3 });
      const second = await api.post('/chat/findMessages/evo', { where: { key: { remoteJid: CONTACT } }, page: 2, offset: 3 });
      const all = await api.post('/chat/findMessages/evo', { where: { key: { remoteJid: CONTACT_JID } }, offset: 6 });
      expect(first.status).to.equal(200);
      expect(first.body.messages.currentPage).to.equal(1);
      const ids = (res: ApiResponse) => (res.body.messages.records as { key: { id: string } }[]).map((r) => r.key.id);
      expect(ids(first).concat(ids(second))).to.deep.equal(ids(all));
    });
  });
});
