import { expect } from 'chai';
import QRCode from 'qrcode';
import type { Api } from './support/api.js';
import { ChatwootPeer } from './support/chatwoot-peer/peer.js';
import type { Account, Conversation, Message } from './support/chatwoot-peer/state.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';
import type { ReceivedMessage } from './support/whatsapp-emulator/index.js';

/** The value once `get` finds it. */
async function found<T>(get: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  await eventually(() => get() !== undefined, timeoutMs, what);
  return get() as T;
}

const textOf = (received: ReceivedMessage) => received.message.conversation ?? received.message.extendedTextMessage?.text ?? null;

describe('Chatwoot agents answering on WhatsApp', function () {
  this.timeout(120_000);
  let wa: WaEmulator;
  let peer: ChatwootPeer;
  let gateway: GatewayProcess;
  let api: Api;
  let png: Buffer;
  const env = () => ({ ...emulatorEnv(wa), OUTBOX_POLL_MS: '50', OUTBOX_RETRY_BASE_MS: '50', OUTBOX_RETRY_MAX_MS: '200', CHATWOOT_ENABLED: 'true', CHATWOOT_BOT_CONTACT: 'false' });

  before(async () => {
    wa = await WaEmulator.start();
    peer = await ChatwootPeer.start();
    png = await QRCode.toBuffer('a picture from an agent');
    gateway = await GatewayProcess.start({ env: env() });
    api = gateway.api();
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
    await peer?.stop();
  });

  /** A paired instance with its own Chatwoot account, whose inbox posts its webhooks to this gateway. */
  async function pairedWithChatwoot(name: string, owner: string, fields: Record<string, unknown> = {}): Promise<Account> {
    const account = peer.addAccount(name);
    await createPaired(api, wa, name, owner, { chatwootAccountId: String(account.id), chatwootToken: account.token, chatwootUrl: peer.url, ...fields });
    await eventually(() => peer.inboxes(account.id).length === 1, 10_000, 'the inbox');
    // The gateway's SERVER_URL is a name the peer cannot reach; its real address stands in.
    peer.inboxes(account.id)[0].webhookUrl = `${gateway.url}/chatwoot/webhook/${name}`;
    return account;
  }

  /** The contact writes first: the sink opens the conversation. Returns it with the contact's message. */
  async function conversationWith(account: Account, contact: string, owner: string, text: string): Promise<{ conversation: Conversation; first: Message }> {
    await wa.sendTextToClient(contact, owner, text);
    const first = await found(() => peer.messages().find((m) => m.accountId === account.id && m.content === text), 20_000, `"${text}" in Chatwoot`);
    return { conversation: peer.state.conversation(first.conversationId), first };
  }

  /** Chatwoot's Application API as an agent's browser calls it. */
  async function chatwootApi(account: Account, method: string, path: string, body: unknown) {
    const response = await fetch(`${peer.url}/api/v1/accounts/${account.id}${path}`, {
      method,
      headers: { api_access_token: account.token, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status, path).to.equal(200);
    return (await response.json()) as Record<string, any>;
  }

  /** A conversation an agent opened with a phone number the gateway never heard from. */
  async function conversationFor(account: Account, phone: string, name: string): Promise<number> {
    const inboxId = peer.inboxes(account.id)[0].id;
    const created = await chatwootApi(account, 'POST', '/contacts', { inbox_id: inboxId, name, phone_number: phone });
    const conversation = await chatwootApi(account, 'POST', '/conversations', { inbox_id: inboxId, contact_id: created.payload.contact.id, source_id: created.payload.contact_inbox.source_id });
    return conversation.id as number;
  }

  const postWebhook = async (url: string, body: unknown) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await response.arrayBuffer();
    return response.status;
  };

  const OWNER = '15550008000';
  const CONTACT = '15550008001';
  let account: Account;
  let conversation: Conversation;
  let first: Message;

  before(async () => {
    account = await pairedWithChatwoot('cw-hook', OWNER, { chatwootSignMsg: true });
    wa.addContact(CONTACT, 'Carla Contact');
    ({ conversation, first } = await conversationWith(account, CONTACT, OWNER, 'Hello, anyone there?'));
  });

  it('sends the signed text and the file, not the private note, and mirrors none of them back', async () => {
    await peer.agentReply(conversation.id, { content: 'Yes, **here**!' });
    await peer.agentReply(conversation.id, { content: 'internal: call them later', private: true });
    await peer.agentReply(conversation.id, { content: 'our _price list_', attachments: [{ bytes: png, filename: 'prices.png', mimetype: 'image/png' }] });

    const text = await wa.nextMessage(CONTACT, 20_000);
    expect(textOf(text)).to.equal('*Ana Agent:*\nYes, *here*!');
    const image = await wa.nextMessage(CONTACT, 20_000);
    expect(image.message.imageMessage?.caption).to.equal('*Ana Agent:*\nour _price list_');
    expect(wa.downloadReceivedMedia(image).equals(png)).to.equal(true);
    expect(wa.receivedMessages(CONTACT).some((m) => JSON.stringify(m.message).includes('internal'))).to.equal(false);

    // The sink handles an instance's events in order: once this one is in, the echoes of the sends were seen.
    await conversationWith(account, CONTACT, OWNER, 'thanks');
    expect(peer.messages(conversation.id).map((m) => [m.messageType, m.private, m.content])).to.deep.equal([
      ['incoming', false, 'Hello, anyone there?'],
      ['outgoing', false, 'Yes, **here**!'],
      ['outgoing', true, 'internal: call them later'],
      ['outgoing', false, 'our _price list_'],
      ['incoming', false, 'thanks'],
    ]);
  });

  it("quotes the contact's message an agent replies to", async () => {
    const quotedId = peer.messages(first.conversationId).find((m) => m.id === first.id)?.sourceId?.replace('WAID:', '');
    await peer.agentReply(conversation.id, { content: 'About your question', contentAttributes: { in_reply_to: first.id } });
    const reply = await wa.nextMessage(CONTACT, 20_000);
    expect(reply.message.extendedTextMessage?.text).to.equal('*Ana Agent:*\nAbout your question');
    expect(reply.message.extendedTextMessage?.contextInfo?.stanzaId).to.equal(quotedId);
  });

  it('sends a message once when Chatwoot delivers its webhook again, also concurrently', async () => {
    await peer.agentReply(conversation.id, { content: 'only once' });
    const call = peer.webhooks.at(-1)!;
    expect(call.status).to.equal(200);
    const statuses = await Promise.all([postWebhook(call.url, call.body), postWebhook(call.url, call.body), postWebhook(call.url, call.body)]);
    expect(statuses).to.deep.equal([200, 200, 200]);
    // A later message arrives after any second copy would have.
    await peer.agentReply(conversation.id, { content: 'and then this' });
    expect(textOf(await wa.nextMessage(CONTACT, 20_000))).to.equal('*Ana Agent:*\nonly once');
    expect(textOf(await wa.nextMessage(CONTACT, 20_000))).to.equal('*Ana Agent:*\nand then this');
    expect(wa.receivedMessages(CONTACT).filter((m) => textOf(m)?.includes('only once'))).to.have.length(1);
  });

  it('answers the webhook at once, while the file is still being fetched', async () => {
    const before = wa.receivedMessages(CONTACT).length;
    const release = peer.holdAttachments();
    try {
      const started = performance.now();
      await peer.agentReply(conversation.id, { attachments: [{ bytes: png, filename: 'late.png', mimetype: 'image/png' }] });
      const ms = performance.now() - started;
      expect(peer.webhooks.at(-1)?.status).to.equal(200);
      expect(ms).to.be.below(200);
      expect(wa.receivedMessages(CONTACT).length).to.equal(before);
    } finally {
      release();
    }
    const image = await wa.nextMessage(CONTACT, 20_000);
    expect(wa.downloadReceivedMedia(image).equals(png)).to.equal(true);
    expect(image.message.imageMessage?.caption ?? '').to.equal('');
  });

  it('revokes on WhatsApp a message an agent deletes in Chatwoot', async () => {
    const sent = await peer.agentReply(conversation.id, { content: 'wrong price, sorry' });
    const received = await wa.nextMessage(CONTACT, 20_000);
    expect(textOf(received)).to.equal('*Ana Agent:*\nwrong price, sorry');
    await peer.agentDelete(sent.id);
    const revoke = (await wa.nextMessage(CONTACT, 20_000)).message.protocolMessage;
    expect(revoke?.type).to.equal(0); // REVOKE
    expect(revoke?.key?.id).to.equal(received.id);
  });

  it('leaves a private note when the number is not on WhatsApp', async () => {
    const conversationId = await conversationFor(account, '+15550008999', 'Nobody');
    await peer.agentReply(conversationId, { content: 'hello?' });
    const note = await found(() => peer.messages(conversationId).find((m) => m.private), 20_000, 'a private note');
    expect(note.content).to.equal('🚨 The message was not sent as the contact is not a valid Whatsapp number.');
    expect(wa.receivedMessages('15550008999')).to.have.length(0);
  });

  it('answers the status command typed to the bot contact, sending nothing to WhatsApp', async () => {
    const conversationId = await conversationFor(account, '+123456', 'EvolutionAPI');
    await peer.agentReply(conversationId, { content: 'status' });
    const answer = await found(() => peer.messages(conversationId).find((m) => m.messageType === 'incoming'), 20_000, 'the bot answer');
    expect(answer.content).to.equal('⚠️ cw-hook instance status: *open*.');
  });

  it('leaves a private note when the instance is logged out', async () => {
    const owner = '15550008100';
    const contact = '15550008101';
    const other = await pairedWithChatwoot('cw-hook-out', owner);
    const { conversation: talk } = await conversationWith(other, contact, owner, 'are you open?');
    expect((await api.delete('/instance/logout/cw-hook-out')).status).to.equal(200);
    await peer.agentReply(talk.id, { content: 'we are!' });
    const note = await found(() => peer.messages(talk.id).find((m) => m.private), 20_000, 'a private note');
    expect(note.content).to.match(/^🚨 The message could not be sent\. Please check your connection\. _.*not connected.*_$/);
    expect(wa.receivedMessages(contact)).to.have.length(0);
  });

  it('sends a message received before a crash once, after the restart, also when Chatwoot repeats it', async () => {
    const release = peer.holdAttachments();
    await peer.agentReply(conversation.id, { content: 'sent across a restart', attachments: [{ bytes: png, filename: 'restart.png', mimetype: 'image/png' }] });
    const call = peer.webhooks.at(-1)!;
    expect(call.status).to.equal(200);
    // Killed while the file is being fetched: nothing was sent yet.
    await gateway.stop('SIGKILL');
    release();
    gateway = await GatewayProcess.start({ dataDir: gateway.dataDir, env: env() });
    api = gateway.api();
    peer.inboxes(account.id)[0].webhookUrl = `${gateway.url}/chatwoot/webhook/cw-hook`;
    expect(await postWebhook(peer.inboxes(account.id)[0].webhookUrl, call.body)).to.equal(200);

    const image = await wa.nextMessage(CONTACT, 40_000);
    expect(image.message.imageMessage?.caption).to.equal('*Ana Agent:*\nsent across a restart');
    await peer.agentReply(conversation.id, { content: 'after it' });
    expect(textOf(await wa.nextMessage(CONTACT, 40_000))).to.equal('*Ana Agent:*\nafter it');
    expect(wa.receivedMessages(CONTACT).filter((m) => m.message.imageMessage?.caption?.includes('across a restart'))).to.have.length(1);
  });

  it('answers 404 for an unknown instance and 200 for one without Chatwoot', async () => {
    await api.post('/instance/create', { instanceName: 'cw-hook-plain' });
    const body = { event: 'message_created', id: 1, message_type: 'outgoing', content: 'x', conversation: { id: 1, meta: { sender: { phone_number: '+15550008001' } } } };
    expect(await postWebhook(`${gateway.url}/chatwoot/webhook/nobody-here`, body)).to.equal(404);
    expect(await postWebhook(`${gateway.url}/chatwoot/webhook/cw-hook-plain`, body)).to.equal(200);
  });
});
