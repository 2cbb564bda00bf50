import { expect } from 'chai';
import QRCode from 'qrcode';
import { BOT_PHONE, postToBotConversation, type BotConversationDeps } from '../lib/chatwoot/bot-conversation.js';
import { ChatwootClient } from '../lib/chatwoot/client.js';
import { ensureInbox } from '../lib/chatwoot/inbox.js';
import { ChatwootLinkRepository } from '../lib/db/chatwoot-links.js';
import { InstanceRepository } from '../lib/db/instances.js';
import { CHATWOOT_TEMPLATE, type ChatwootConfig } from '../lib/instance-config/chatwoot.js';
import { ChatwootPeer } from './support/chatwoot-peer/peer.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

describe('Chatwoot bot conversation: posting as the bot', function () {
  this.timeout(30_000);
  let peer: ChatwootPeer;
  let database: TestDatabase;
  let deps: BotConversationDeps;

  before(async () => {
    peer = await ChatwootPeer.start();
    database = await openTestDatabase('chatwoot-bot');
    deps = { links: new ChatwootLinkRepository(database.db), serverUrl: 'http://gateway.test', timeoutMs: 5_000 };
  });

  after(async () => {
    await database?.drop();
    await peer?.stop();
  });

  /** A stored instance with its own Chatwoot account. */
  async function instance(name: string): Promise<{ owner: { id: string; name: string }; chatwoot: ChatwootConfig; accountId: number }> {
    const account = peer.addAccount(name);
    const chatwoot = { ...CHATWOOT_TEMPLATE, enabled: true, accountId: String(account.id), token: account.token, url: peer.url, nameInbox: name, ignoreJids: [] };
    const id = `id-${name}`;
    await new InstanceRepository(database.db).insert({ id, name, token: `token-${name}`, integration: 'WHATSAPP-BAILEYS', number: null, businessId: null });
    return { owner: { id, name }, chatwoot, accountId: account.id };
  }

  const botConversations = (accountId: number) => {
    const bot = peer.contacts(accountId).find((c) => c.phoneNumber === BOT_PHONE);
    return peer.conversations(accountId).filter((c) => c.contactId === bot?.id);
  };

  it('makes one inbox, one bot contact and one conversation for posts made at once', async () => {
    const { owner, chatwoot, accountId } = await instance('at-once');
    const results = await Promise.all(['one', 'two', 'three'].map((content) => postToBotConversation(deps, owner, chatwoot, { content })));
    expect(results.every((r) => r.ok), JSON.stringify(results)).to.equal(true);
    expect(peer.inboxes(accountId)).to.have.length(1);
    expect(peer.contacts(accountId).map((c) => c.phoneNumber)).to.deep.equal([BOT_PHONE]);
    const [conversation, ...others] = botConversations(accountId);
    expect(others).to.have.length(0);
    expect(peer.messages(conversation.id).map((m) => [m.content, m.messageType])).to.deep.equal([
      ['one', 'incoming'],
      ['two', 'incoming'],
      ['three', 'incoming'],
    ]);
  });

  it('finds the inbox once when the bootstrap and a delivery look for it at the same time', async () => {
    const { owner, chatwoot, accountId } = await instance('inbox-race');
    const client = new ChatwootClient(chatwoot);
    const found = await Promise.all([1, 2, 3].map(() => ensureInbox(client, deps.links, owner, chatwoot, deps.serverUrl)));
    expect(peer.inboxes(accountId)).to.have.length(1);
    expect(found.map((r) => r.ok && r.value)).to.deep.equal([1, 2, 3].map(() => peer.inboxes(accountId)[0].id));
  });

  it('posts an image with its caption, and the same source id only once', async () => {
    const { owner, chatwoot, accountId } = await instance('with-image');
    const bytes = await QRCode.toBuffer('scan me');
    const post = { content: 'Scan this', sourceId: 'bot:event-1', file: { bytes, filename: 'with-image.png', mimetype: 'image/png' } };
    const first = await postToBotConversation(deps, owner, chatwoot, post);
    const again = await postToBotConversation(deps, owner, chatwoot, post);
    expect(first.ok && again.ok && first.value.id === again.value.id).to.equal(true);
    const messages = peer.messages(botConversations(accountId)[0].id);
    expect(messages).to.have.length(1);
    expect(messages[0].content).to.equal('Scan this');
    expect(messages[0].attachments[0].bytes.equals(bytes)).to.equal(true);
  });

  it('opens a new conversation once the bot conversation was resolved', async () => {
    const { owner, chatwoot, accountId } = await instance('resolved');
    await postToBotConversation(deps, owner, chatwoot, { content: 'before' });
    await peer.resolve(botConversations(accountId)[0].id);
    const after = await postToBotConversation(deps, owner, chatwoot, { content: 'after' });
    expect(after.ok).to.equal(true);
    const conversations = botConversations(accountId);
    expect(conversations.map((c) => c.status)).to.deep.equal(['resolved', 'open']);
    expect(peer.messages(conversations[1].id).map((m) => m.content)).to.deep.equal(['after']);
  });

  it('reuses the bot contact of the account in a second inbox', async () => {
    const { owner, chatwoot, accountId } = await instance('shared-a');
    await postToBotConversation(deps, owner, chatwoot, { content: 'from a' });
    await new InstanceRepository(database.db).insert({ id: 'id-shared-b', name: 'shared-b', token: 'token-shared-b', integration: 'WHATSAPP-BAILEYS', number: null, businessId: null });
    const other = { id: 'id-shared-b', name: 'shared-b' };
    const result = await postToBotConversation(deps, other, { ...chatwoot, nameInbox: 'shared-b' }, { content: 'from b' });
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(peer.inboxes(accountId)).to.have.length(2);
    expect(peer.contacts(accountId)).to.have.length(1);
    expect(botConversations(accountId).map((c) => c.inboxId)).to.deep.equal(peer.inboxes(accountId).map((i) => i.id));
  });
});
