// Chat state kept in WhatsApp's app state (archive, unread, labels, push
// name), driven over HTTP and checked where WhatsApp keeps it: in the
// emulated phone's view of the account's patches, and at the webhook.
import { expect } from 'chai';
import type { Api } from './support/api.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const NAME = 'desk';
const OWNER = '15550011000';
const CONTACT = '15550011001';
const QUIET = '15550011002';
const NOT_ON_WHATSAPP = '15550011099';
const contactJid = `${CONTACT}@s.whatsapp.net`;

describe('app state routes through the emulator', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  let receiver: WebhookReceiver;
  let gateway: GatewayProcess;
  let api: Api;
  let lastId: string;

  const eventData = (event: string) =>
    receiver.accepted.filter((r) => r.body.instance === NAME && r.body.event === event).map((r) => r.body.data as Record<string, unknown>);

  before(async () => {
    wa = await WaEmulator.start();
    receiver = await WebhookReceiver.start();
    gateway = await GatewayProcess.start({ env: emulatorEnv(wa) });
    api = gateway.api();
    wa.addContact(CONTACT, 'Carla Contact');
    wa.addContact(QUIET, 'Quentin Quiet');
    // A label the phone had before the instance was linked: it comes with the first app state sync.
    wa.addContact(OWNER, `Owner of ${NAME}`);
    await wa.editLabel(OWNER, { id: '1', name: 'New customer', color: 0, predefinedId: 1 });
    await createPaired(api, wa, NAME, OWNER);
    const set = await api.post(`/webhook/set/${NAME}`, {
      webhook: { enabled: true, url: `${receiver.url}/hook`, events: ['LABELS_EDIT', 'LABELS_ASSOCIATION', 'MESSAGES_UPSERT'] },
    });
    expect(set.status).to.equal(201);
    ({ id: lastId } = await wa.sendTextToClient(CONTACT, OWNER, 'hello desk'));
    await eventually(() => eventData('messages.upsert').length > 0, 10_000, 'the contact’s message stored');
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await receiver?.stop();
    await wa?.stop();
  });

  describe('archiveChat', () => {
    it('archives the chat in the account’s app state, as the phone then shows it', async () => {
      const body = { lastMessage: { key: { remoteJid: contactJid, fromMe: false, id: lastId } }, archive: true };
      // The phone shares the app state key just after the first login: the first patch may have to wait for it.
      let res = await api.post(`/chat/archiveChat/${NAME}`, body);
      await eventually(async () => {
        if (res.status !== 201) res = await api.post(`/chat/archiveChat/${NAME}`, body);
        return res.status === 201;
      }, 10_000, 'archiveChat answered 201');
      expect(res.body).to.deep.equal({ chatId: contactJid, archived: true });
      expect(wa.appState(OWNER).archived).to.deep.equal([contactJid]);
    });

    it('unarchives with archive false, anchored to the newest stored message of `chat`', async () => {
      const res = await api.post(`/chat/archiveChat/${NAME}`, { chat: CONTACT, archive: false });
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.equal({ chatId: CONTACT, archived: true });
      expect(wa.appState(OWNER).archived).to.deep.equal([]);
    });

    it('answers 404 for a chat without any stored message, and 400 without lastMessage or chat', async () => {
      const unknown = await api.post(`/chat/archiveChat/${NAME}`, { chat: QUIET, archive: true });
      expect(unknown.status).to.equal(404);
      expect(unknown.body.response.message).to.deep.equal(['Last message not found']);
      const neither = await api.post(`/chat/archiveChat/${NAME}`, { archive: true });
      expect(neither.status).to.equal(400);
    });
  });

  describe('markChatUnread', () => {
    it('marks the chat unread in the account’s app state', async () => {
      const res = await api.post(`/chat/markChatUnread/${NAME}`, {
        lastMessage: { key: { remoteJid: contactJid, fromMe: false, id: lastId }, messageTimestamp: Math.floor(Date.now() / 1000) },
      });
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.equal({ chatId: contactJid, markedChatUnread: true });
      expect(wa.appState(OWNER).unread).to.deep.equal([contactJid]);
    });
  });

  describe('labels', () => {
    const predefined = { color: '0', name: 'New customer', id: '1', predefinedId: '1' };

    it('a label the phone had before the link comes with the first sync (a snapshot) and is listed by findLabels', async () => {
      await eventually(async () => (await api.get(`/label/findLabels/${NAME}`)).body.length === 1, 10_000, 'the label stored');
      expect((await api.get(`/label/findLabels/${NAME}`)).body).to.deep.equal([predefined]);
      expect(wa.appStateSnapshots).to.be.greaterThan(0);
    });

    it('a label the phone creates reaches the webhook as labels.edit and is listed by findLabels', async () => {
      await wa.editLabel(OWNER, { id: '5', name: 'Paid', color: 2 });
      const paid = (l: Record<string, unknown>) => l.id === '5';
      await eventually(() => eventData('labels.edit').some(paid), 10_000, 'labels.edit');
      expect(eventData('labels.edit').find(paid)).to.deep.equal({ id: '5', name: 'Paid', color: 2, deleted: false, instance: NAME });
      await eventually(async () => (await api.get(`/label/findLabels/${NAME}`)).body.length === 2, 5_000, 'the label stored');
      const res = await api.get(`/label/findLabels/${NAME}`);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal([predefined, { color: '2', name: 'Paid', id: '5', predefinedId: null }]);
    });

    it('a label the phone renames is listed under its new name; one it deletes is gone', async () => {
      await wa.editLabel(OWNER, { id: '5', name: 'Paid in full', color: 3 });
      await wa.editLabel(OWNER, { id: '6', name: 'Spam', color: 1 });
      await wa.editLabel(OWNER, { id: '6', name: 'Spam', color: 1, deleted: true });
      await eventually(() => eventData('labels.edit').some((l) => l.id === '6' && l.deleted === true), 10_000, 'the deletion');
      await eventually(async () => {
        const labels = (await api.get(`/label/findLabels/${NAME}`)).body as { id: string; name: string }[];
        return labels.length === 2 && labels[1].name === 'Paid in full';
      }, 5_000, 'the label renamed, the deleted one gone');
    });

    it('handleLabel add puts the label on the chat in the phone’s app state, with a labels.association event', async () => {
      const res = await api.post(`/label/handleLabel/${NAME}`, { number: CONTACT, labelId: '5', action: 'add' });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ numberJid: contactJid, labelId: '5', add: true });
      expect(wa.appState(OWNER).labelChats).to.deep.equal({ 5: [contactJid] });
      await eventually(() => eventData('labels.association').length > 0, 10_000, 'labels.association');
      expect(eventData('labels.association')[0]).to.deep.equal({ instance: NAME, type: 'add', chatId: contactJid, labelId: '5' });
    });

    it('handleLabel remove takes it off', async () => {
      const res = await api.post(`/label/handleLabel/${NAME}`, { number: CONTACT, labelId: '5', action: 'remove' });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ numberJid: contactJid, labelId: '5', remove: true });
      expect(wa.appState(OWNER).labelChats).to.deep.equal({});
    });

    it('a label the phone puts on a chat reaches the webhook as labels.association', async () => {
      const quietJid = `${QUIET}@s.whatsapp.net`;
      await wa.labelChat(OWNER, '5', quietJid);
      const match = (a: Record<string, unknown>) => a.chatId === quietJid && a.type === 'add';
      await eventually(() => eventData('labels.association').some(match), 10_000, 'the phone’s association');
      expect(eventData('labels.association').find(match)).to.deep.equal({ instance: NAME, type: 'add', chatId: quietJid, labelId: '5' });
    });

    it('handleLabel answers 404 for a number not on WhatsApp', async () => {
      const res = await api.post(`/label/handleLabel/${NAME}`, { number: NOT_ON_WHATSAPP, labelId: '5', action: 'add' });
      expect(res.status).to.equal(404);
      expect(res.body.response.message).to.deep.equal(['Number is not on WhatsApp']);
    });
  });

  describe('updateProfileName', () => {
    it('sets the push name: a contact sees the new name on the next message', async () => {
      await api.post(`/message/sendText/${NAME}`, { number: CONTACT, text: 'before the new name' });
      expect((await wa.nextMessage(CONTACT)).pushName).to.not.equal('Desk Team');
      const res = await api.post(`/chat/updateProfileName/${NAME}`, { name: 'Desk Team' });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ update: 'success' });
      expect(wa.appState(OWNER).pushName).to.equal('Desk Team');
      const sent = await api.post(`/message/sendText/${NAME}`, { number: CONTACT, text: 'new name, same desk' });
      expect(sent.status).to.equal(201);
      const received = await wa.nextMessage(CONTACT);
      expect(received.message.extendedTextMessage?.text ?? received.message.conversation).to.equal('new name, same desk');
      expect(received.pushName).to.equal('Desk Team');
    });
  });
});
