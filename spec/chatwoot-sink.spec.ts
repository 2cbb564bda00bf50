import { expect } from 'chai';
import QRCode from 'qrcode';
import type { Api } from './support/api.js';
import { ChatwootPeer } from './support/chatwoot-peer/peer.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';


describe('WhatsApp messages mirrored into Chatwoot', function () {
  this.timeout(90_000);
  let wa: WaEmulator;
  let peer: ChatwootPeer;
  let gateway: GatewayProcess;
  let api: Api;
  let png: Buffer;

  before(async () => {
    wa = await WaEmulator.start();
    peer = await ChatwootPeer.start();
    png = await QRCode.toBuffer('an image for Chatwoot');
    gateway = await GatewayProcess.start({
      env: { ...emulatorEnv(wa), OUTBOX_POLL_MS: '50', OUTBOX_RETRY_BASE_MS: '50', OUTBOX_RETRY_MAX_MS: '200', CHATWOOT_ENABLED: 'true', CHATWOOT_BOT_CONTACT: 'false' },
    });
    api = gateway.api();
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
    await peer?.stop();
  });

  /** A paired instance with its own Chatwoot account; returns the account id. */
  async function pairedWithChatwoot(name: string, owner: string, fields: Record<string, unknown> = {}) {
    const account = peer.addAccount(name);
    await createPaired(api, wa, name, owner, {
      chatwootAccountId: String(account.id),
      chatwootToken: account.token,
      chatwootUrl: peer.url,
      ...fields,
    });
    await eventually(() => peer.inboxes(account.id).length === 1, 10_000, 'the inbox');
    return account.id;
  }

  /** The gateway stored the message: its event is committed too. */
  const received = (name: string, id: string) =>
    eventually(async () => JSON.stringify((await api.post(`/chat/findMessages/${name}`, { where: { key: { id } } })).body).includes(id), 10_000, `message ${id}`);

  /** Text, an image, and a reply to the text, from one contact, each received before the next is sent. */
  async function threeMessages(name: string, contact: string, owner: string) {
    const text = await wa.sendTextToClient(contact, owner, 'Hello *there*');
    await received(name, text.id);
    const image = await wa.sendMediaToClient(contact, owner, { kind: 'image', bytes: png, mimetype: 'image/png', caption: 'a _picture_' });
    await received(name, image.id);
    await wa.sendReplyToClient(contact, owner, 'about that', text.id);
  }

  it('creates an API inbox named after the instance, or nameInbox, whose webhook comes back here', async () => {
    const accountId = await pairedWithChatwoot('cw-inbox', '15550007010');
    const [inbox] = peer.inboxes(accountId);
    expect(inbox.name).to.equal('cw-inbox');
    expect(inbox.webhookUrl).to.equal(`http://gateway.test/chatwoot/webhook/cw-inbox`); // SERVER_URL of GatewayProcess

    const named = await pairedWithChatwoot('cw-named', '15550007011', { chatwootNameInbox: 'Sales Desk' });
    expect(peer.inboxes(named).map((i) => i.name)).to.deep.equal(['Sales Desk']);
  });

  it('mirrors text, an image and a reply into one conversation of one contact', async () => {
    const owner = '15550007020';
    const contact = '15550007021';
    const accountId = await pairedWithChatwoot('cw-talk', owner);
    wa.addContact(contact, 'Dora Contact');
    await threeMessages('cw-talk', contact, owner);
    await eventually(() => peer.conversations(accountId).length === 1 && peer.messages(peer.conversations(accountId)[0].id).length === 3, 20_000, 'three messages');

    const [person] = peer.contacts(accountId);
    expect(peer.contacts(accountId)).to.have.length(1);
    expect(person.phoneNumber).to.equal(`+${contact}`);
    expect(person.identifier).to.equal(`${contact}@s.whatsapp.net`);
    const [first, image, reply] = peer.messages(peer.conversations(accountId)[0].id);
    expect([first.content, first.messageType]).to.deep.equal(['Hello **there**', 'incoming']);
    expect(first.sourceId).to.match(/^WAID:/);
    expect(image.content).to.equal('a *picture*');
    expect(image.attachments[0].bytes.equals(png)).to.equal(true);
    expect(reply.contentAttributes).to.deep.equal({ in_reply_to: first.id });
  });

  it('still makes exactly three messages, in order, through a Chatwoot outage', async () => {
    const owner = '15550007030';
    const contact = '15550007031';
    const accountId = await pairedWithChatwoot('cw-outage', owner);
    peer.outage(true);
    await threeMessages('cw-outage', contact, owner);
    await eventually(() => peer.requests.filter((r) => r.status === 500).length >= 6, 20_000, 'failed deliveries');
    peer.outage(false);
    await eventually(() => peer.conversations(accountId).length === 1 && peer.messages(peer.conversations(accountId)[0].id).length === 3, 20_000, 'three messages');
    const messages = peer.messages(peer.conversations(accountId)[0].id);
    expect(messages.map((m) => m.content)).to.deep.equal(['Hello **there**', 'a *picture*', 'about that']);
    expect(peer.contacts(accountId)).to.have.length(1);
  });

  it('opens a new conversation after a resolve, or reopens it with reopenConversation', async () => {
    for (const [name, owner, reopen] of [['cw-new', '15550007040', false], ['cw-reopen', '15550007050', true]] as const) {
      const contact = String(Number(owner) + 1);
      const accountId = await pairedWithChatwoot(name, owner, { chatwootReopenConversation: reopen });
      await wa.sendTextToClient(contact, owner, 'first');
      await eventually(() => peer.conversations(accountId).length === 1 && peer.messages().some((m) => m.accountId === accountId), 20_000, 'first message');
      await peer.resolve(peer.conversations(accountId)[0].id);
      await wa.sendTextToClient(contact, owner, 'second');
      await eventually(() => peer.messages().filter((m) => m.accountId === accountId).length === 2, 20_000, 'second message');
      expect(peer.conversations(accountId).length, name).to.equal(reopen ? 1 : 2);
      expect(peer.conversations(accountId).at(-1)?.status, name).to.equal('open');
    }
  });

  it('opens conversations as pending with conversationPending', async () => {
    const owner = '15550007060';
    const accountId = await pairedWithChatwoot('cw-pending', owner, { chatwootConversationPending: true });
    await wa.sendTextToClient('15550007061', owner, 'waiting');
    await eventually(() => peer.conversations(accountId).length === 1, 20_000, 'the conversation');
    expect(peer.conversations(accountId)[0].status).to.equal('pending');
  });

  it('finds a contact saved with the 9th digit for a message without it, with mergeBrazilContacts', async () => {
    const owner = '15550007070';
    const accountId = await pairedWithChatwoot('cw-brazil', owner, { chatwootMergeBrazilContacts: true });
    const saved = peer.addContact(accountId, { name: 'Bia', phoneNumber: '+5511987650000' });
    await wa.sendTextToClient('551187650000', owner, 'oi');
    await eventually(() => peer.conversations(accountId).length === 1, 20_000, 'the conversation');
    expect(peer.contacts(accountId).map((c) => c.id)).to.deep.equal([saved.id]);
    expect(peer.conversations(accountId)[0].contactId).to.equal(saved.id);
  });

  it("gives a new contact its WhatsApp profile picture as avatar, and none to one without", async () => {
    const owner = '15550007080';
    const pictured = '15550007081';
    const plain = '15550007082';
    const accountId = await pairedWithChatwoot('cw-avatar', owner);
    const picture = wa.setProfilePicture(pictured, { bytes: png, mimetype: 'image/png' });
    wa.addContact(plain, 'Plain Contact');
    await wa.sendTextToClient(pictured, owner, 'look at me');
    await wa.sendTextToClient(plain, owner, 'no face');
    await eventually(() => peer.conversations(accountId).length === 2, 20_000, 'two conversations');

    const byPhone = (pn: string) => peer.contacts(accountId).find((c) => c.phoneNumber === `+${pn}`);
    expect(byPhone(pictured)?.avatarUrl).to.equal(picture?.url);
    expect(byPhone(plain)?.avatarUrl).to.equal(null);
  });

  it("updates a contact's avatar when its WhatsApp picture changed by its next message", async () => {
    const owner = '15550007090';
    const pn = '15550007091';
    const accountId = await pairedWithChatwoot('cw-avatar-new', owner);
    const first = wa.setProfilePicture(pn, { bytes: png, mimetype: 'image/png' });
    await wa.sendTextToClient(pn, owner, 'before');
    await eventually(() => peer.conversations(accountId).length === 1, 20_000, 'the conversation');
    const [contact] = peer.contacts(accountId);
    expect(contact.avatarUrl).to.equal(first?.url);

    const second = wa.setProfilePicture(pn, { bytes: await QRCode.toBuffer('a new face'), mimetype: 'image/png' });
    await wa.sendTextToClient(pn, owner, 'after');
    await eventually(() => peer.messages(peer.conversations(accountId)[0].id).length === 2, 20_000, 'the second message');
    expect(peer.contacts(accountId).map((c) => [c.id, c.avatarUrl])).to.deep.equal([[contact.id, second?.url]]);
  });

  it('heads a group message with its author’s phone number, also in a group that names members by LID', async () => {
    const owner = '15550007100';
    const member = '15550007101';
    const accountId = await pairedWithChatwoot('cw-lid-group', owner);
    wa.addContact(member, 'Lena Member');
    const group = wa.createGroup(member, 'LID room', [owner], { addressing: 'lid' });
    await wa.sendGroupTextToClient(member, group, 'hello room');
    await eventually(() => peer.conversations(accountId).length === 1 && peer.messages(peer.conversations(accountId)[0].id).length === 1, 20_000, 'the group message');
    const [message] = peer.messages(peer.conversations(accountId)[0].id);
    expect(message.content).to.equal(`**+${member} - Lena Member:**\n\nhello room`);
  });
});
