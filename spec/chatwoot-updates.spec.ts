import { expect } from 'chai';
import type { Api } from './support/api.js';
import { ChatwootPeer } from './support/chatwoot-peer/peer.js';
import type { Account, Message } from './support/chatwoot-peer/state.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

/** The value once `get` finds it. */
async function found<T>(get: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  await eventually(() => get() !== undefined, timeoutMs, what);
  return get() as T;
}

describe('WhatsApp reactions, edits, deletions and reads in Chatwoot', function () {
  this.timeout(120_000);
  let wa: WaEmulator;
  let peer: ChatwootPeer;
  /** CHATWOOT_MESSAGE_DELETE and CHATWOOT_MESSAGE_READ on. */
  let on: GatewayProcess;
  /** Both off, as by default. */
  let off: GatewayProcess;

  const env = (flag: 'true' | 'false') => ({
    ...emulatorEnv(wa),
    OUTBOX_POLL_MS: '50',
    OUTBOX_RETRY_BASE_MS: '50',
    OUTBOX_RETRY_MAX_MS: '200',
    CHATWOOT_ENABLED: 'true',
    CHATWOOT_BOT_CONTACT: 'false',
    CHATWOOT_MESSAGE_DELETE: flag,
    CHATWOOT_MESSAGE_READ: flag,
  });

  before(async () => {
    wa = await WaEmulator.start();
    peer = await ChatwootPeer.start();
    on = await GatewayProcess.start({ env: env('true') });
    off = await GatewayProcess.start({ env: env('false') });
  });

  after(async () => {
    for (const gateway of [on, off]) {
      await gateway?.stop();
      await gateway?.removeData();
    }
    await wa?.stop();
    await peer?.stop();
  });

  /** A paired instance with its own Chatwoot account, whose inbox posts its webhooks to the gateway. */
  async function pairedWithChatwoot(gateway: GatewayProcess, name: string, owner: string): Promise<{ account: Account; api: Api }> {
    const api = gateway.api();
    const account = peer.addAccount(name);
    await createPaired(api, wa, name, owner, { chatwootAccountId: String(account.id), chatwootToken: account.token, chatwootUrl: peer.url });
    await eventually(() => peer.inboxes(account.id).length === 1, 10_000, 'the inbox');
    peer.inboxes(account.id)[0].webhookUrl = `${gateway.url}/chatwoot/webhook/${name}`;
    return { account, api };
  }

  const messagesOf = (account: Account) => peer.messages().filter((m) => m.accountId === account.id && !m.private);

  /** The contact writes `text`; resolves with its Chatwoot message once mirrored. */
  async function contactSays(account: Account, contact: string, owner: string, text: string): Promise<{ id: string; mirrored: Message }> {
    const { id } = await wa.sendTextToClient(contact, owner, text);
    const mirrored = await found(() => messagesOf(account).find((m) => m.sourceId === `WAID:${id}`), 20_000, `"${text}" in Chatwoot`);
    return { id, mirrored };
  }

  it('shows a reaction as its emoji replying to the message; a reaction taken back adds nothing', async () => {
    const owner = '15550008010';
    const contact = '15550008011';
    const { account } = await pairedWithChatwoot(on, 'cwu-react', owner);
    const first = await contactSays(account, contact, owner, 'shall we meet?');
    await wa.reactToClient(contact, owner, first.id, '👍', true);
    const reaction = await found(() => messagesOf(account).find((m) => m.content === '👍'), 20_000, 'the reaction');
    expect(reaction.messageType).to.equal('incoming');
    expect(reaction.contentAttributes).to.deep.equal({ in_reply_to: first.mirrored.id });
    expect(reaction.conversationId).to.equal(first.mirrored.conversationId);

    await wa.reactToClient(contact, owner, first.id, '', true);
    // The same chat's lane: once this message is in, the removal was handled before it.
    await contactSays(account, contact, owner, 'see you');
    expect(messagesOf(account).map((m) => m.content)).to.deep.equal(['shall we meet?', '👍', 'see you']);
  });

  it('shows our own reaction as an outgoing emoji replying to the message', async () => {
    const owner = '15550008020';
    const contact = '15550008021';
    const { account, api } = await pairedWithChatwoot(on, 'cwu-our-react', owner);
    const first = await contactSays(account, contact, owner, 'we won the deal');
    const res = await api.post('/message/sendReaction/cwu-our-react', { key: { remoteJid: `${contact}@s.whatsapp.net`, fromMe: false, id: first.id }, reaction: '🎉' });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const reaction = await found(() => messagesOf(account).find((m) => m.content === '🎉'), 20_000, 'our reaction');
    expect(reaction.messageType).to.equal('outgoing');
    expect(reaction.contentAttributes).to.deep.equal({ in_reply_to: first.mirrored.id });
  });

  it('posts an edit as a new "Edited Message" replying to the original, once, through a failed try', async () => {
    const owner = '15550008030';
    const contact = '15550008031';
    const { account } = await pairedWithChatwoot(on, 'cwu-edit', owner);
    const first = await contactSays(account, contact, owner, 'see you at *10*');
    peer.failNext(1);
    await wa.editToClient(contact, owner, first.id, 'see you at *11*');
    const edit = await found(() => messagesOf(account).find((m) => m.content?.includes('Edited Message')), 20_000, 'the edit');
    expect(edit.content).to.equal('\n\n`Edited Message:`\n\nsee you at **11**');
    expect(edit.messageType).to.equal('incoming');
    expect(edit.sourceId).to.equal(`WAID:${first.id}`);
    expect(edit.contentAttributes).to.deep.equal({ in_reply_to: first.mirrored.id });
    // The original stays as it was written.
    expect(first.mirrored.content).to.equal('see you at **10**');

    await contactSays(account, contact, owner, 'bye');
    expect(messagesOf(account).map((m) => m.content)).to.deep.equal(['see you at **10**', edit.content, 'bye']);
  });

  it('deletes in Chatwoot a message its sender deleted for everyone, with CHATWOOT_MESSAGE_DELETE, through a failed try', async () => {
    const owner = '15550008040';
    const contact = '15550008041';
    const { account } = await pairedWithChatwoot(on, 'cwu-delete', owner);
    const first = await contactSays(account, contact, owner, 'wrong chat, sorry');
    peer.failNext(1);
    await wa.revokeToClient(contact, owner, first.id);
    await eventually(() => first.mirrored.contentAttributes.deleted === true, 20_000, 'the deletion in Chatwoot');
    expect(first.mirrored.content).to.equal('This message was deleted');
    await contactSays(account, contact, owner, 'after');
    expect(messagesOf(account)).to.have.length(2);
  });

  it('leaves the Chatwoot message as it is without CHATWOOT_MESSAGE_DELETE', async () => {
    const owner = '15550008050';
    const contact = '15550008051';
    const { account } = await pairedWithChatwoot(off, 'cwu-keep', owner);
    const first = await contactSays(account, contact, owner, 'keep me');
    await wa.revokeToClient(contact, owner, first.id);
    // Same lane: by the time this is in Chatwoot, the deletion was handled.
    await contactSays(account, contact, owner, 'after');
    expect(first.mirrored.content).to.equal('keep me');
    expect(first.mirrored.contentAttributes.deleted).to.equal(undefined);
    expect(peer.requests.filter((r) => r.method === 'DELETE' && r.path.startsWith(`/api/v1/accounts/${account.id}/`))).to.have.length(0);
  });

  it('marks the contact\'s last message read before an agent\'s reply with CHATWOOT_MESSAGE_READ, and not without it', async () => {
    const cases = [
      { gateway: on, name: 'cwu-read', owner: '15550008060', read: true },
      { gateway: off, name: 'cwu-unread', owner: '15550008070', read: false },
    ];
    for (const { gateway, name, owner, read } of cases) {
      const contact = String(Number(owner) + 1);
      const { account } = await pairedWithChatwoot(gateway, name, owner);
      await contactSays(account, contact, owner, 'first question');
      const last = await contactSays(account, contact, owner, 'second question');
      await peer.agentReply(last.mirrored.conversationId, { content: 'on it' });
      const reply = await wa.nextMessage(contact, 20_000);
      expect(reply.message.conversation ?? reply.message.extendedTextMessage?.text, name).to.include('on it');
      const receipts = () => wa.stanzas.filter((s) => s.dir === 'in' && s.node.tag === 'receipt' && s.node.attrs.type === 'read' && JSON.stringify(s.node).includes(last.id));
      // The receipt goes before the reply, so it is in by now.
      expect(receipts().length > 0, name).to.equal(read);
    }
  });
});
