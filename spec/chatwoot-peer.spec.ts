import { expect } from 'chai';
import { ChatwootClient } from '../lib/chatwoot/client.js';
import { ChatwootPeer } from './support/chatwoot-peer/peer.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

describe('Chatwoot peer', () => {
  let peer: ChatwootPeer;
  let receiver: WebhookReceiver;
  let client: ChatwootClient;
  let accountId: number;
  let token: string;

  const raw = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${peer.url}/api/v1/accounts/${accountId}${path}`, {
      method,
      headers: { api_access_token: token, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeEach(async () => {
    peer = await ChatwootPeer.start();
    receiver = await WebhookReceiver.start();
    const account = peer.addAccount();
    accountId = account.id;
    token = account.token;
    client = new ChatwootClient({ url: peer.url, accountId: String(accountId), token });
  });

  afterEach(async () => {
    await peer.stop();
    await receiver.stop();
  });

  async function conversationWithContact() {
    const inbox = await client.createApiInbox('Sales', `${receiver.url}/chatwoot/webhook/sales`);
    if (!inbox.ok) throw new Error(inbox.error);
    const created = await client.createContact({ inbox_id: inbox.value.id, name: 'Maria', phone_number: '+5511987654321', identifier: '5511987654321@s.whatsapp.net' });
    if (!created.ok) throw new Error(created.error);
    const conversation = await client.createConversation({ inbox_id: inbox.value.id, contact_id: created.value.contact.id, source_id: created.value.sourceId });
    if (!conversation.ok) throw new Error(conversation.error);
    return { inbox: inbox.value, contact: created.value.contact, conversation: conversation.value };
  }

  describe('refuses what Chatwoot refuses', () => {
    it('answers 401 to a wrong or missing access token', async () => {
      const wrong = new ChatwootClient({ url: peer.url, accountId: String(accountId), token: 'nope' });
      const result = await wrong.listInboxes();
      expect(result).to.include({ ok: false, status: 401, retryable: false });
      const missing = await fetch(`${peer.url}/api/v1/accounts/${accountId}/inboxes`);
      expect(missing.status).to.equal(401);
    });

    it('answers 422 to a body of the wrong types or without its required fields', async () => {
      const { inbox, conversation } = await conversationWithContact();
      const cases: Array<[string, string, unknown]> = [
        ['POST', '/contacts', { name: 'No inbox' }],
        ['POST', '/contacts', { inbox_id: String(inbox.id), name: 'Inbox as text' }],
        ['POST', '/inboxes', { name: 'Bad', channel: { type: 'carrier-pigeon' } }],
        ['POST', '/conversations', { inbox_id: inbox.id, contact_id: 1 }],
        ['POST', `/conversations/${conversation.id}/messages`, { message_type: 'incoming' }],
        ['POST', `/conversations/${conversation.id}/messages`, { content: 'x', message_type: 'sideways' }],
        ['POST', `/conversations/${conversation.id}/messages`, { content: 'x', private: 'yes' }],
        ['POST', `/conversations/${conversation.id}/toggle_status`, {}],
        ['POST', `/conversations/${conversation.id}/toggle_status`, { status: 'archived' }],
      ];
      for (const [method, path, body] of cases) {
        const response = await raw(method, path, body);
        expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).to.equal(422);
      }
    });

    it('answers 400 to a contact filter with an unknown operator', async () => {
      const response = await raw('POST', '/contacts/filter', { payload: [{ attribute_key: 'phone_number', filter_operator: 'like', values: ['1'] }] });
      expect(response.status).to.equal(400);
    });

    it('keeps phone numbers E.164 and unique within an account', async () => {
      const { inbox } = await conversationWithContact();
      const notE164 = await client.createContact({ inbox_id: inbox.id, name: 'X', phone_number: '5511987654321' });
      expect(notE164).to.include({ ok: false, status: 422 });
      const taken = await client.createContact({ inbox_id: inbox.id, name: 'X', phone_number: '+5511987654321' });
      expect(taken).to.include({ ok: false, status: 422, retryable: false });
    });

    it('answers 500 while told to fail, and the client calls that retryable', async () => {
      peer.failNext(1);
      expect(await client.listInboxes()).to.include({ ok: false, status: 500, retryable: true });
      expect((await client.listInboxes()).ok).to.equal(true);
      peer.outage(true);
      expect(await client.listInboxes()).to.include({ ok: false, status: 500 });
      peer.outage(false);
      expect((await client.listInboxes()).ok).to.equal(true);
    });

    it('never puts the access token in an error text', async () => {
      const offline = new ChatwootClient({ url: 'http://127.0.0.1:1', accountId: '1', token: 'secret-token-value' }, 1_000);
      const result = await offline.listInboxes();
      expect(result.ok).to.equal(false);
      if (!result.ok) {
        expect(result.retryable).to.equal(true);
        expect(result.error).not.to.include('secret-token-value');
      }
    });
  });

  describe('answers with Chatwoot shapes', () => {
    it('lists and creates API inboxes with their webhook URL', async () => {
      const { inbox } = await conversationWithContact();
      const listed = await raw('GET', '/inboxes');
      const body = (await listed.json()) as { payload: Array<Record<string, unknown>> };
      expect(body.payload).to.have.length(1);
      expect(body.payload[0]).to.include({ id: inbox.id, name: 'Sales', channel_type: 'Channel::Api', webhook_url: `${receiver.url}/chatwoot/webhook/sales` });
      const updated = await client.updateInboxWebhook(inbox.id, `${receiver.url}/elsewhere`);
      expect(updated.ok && updated.value.webhook_url).to.equal(`${receiver.url}/elsewhere`);
    });

    it('finds contacts by phone number among the variants it is given, and by search', async () => {
      const { contact, inbox } = await conversationWithContact();
      const found = await client.contactsByPhone(['+551187654321', '+5511987654321']);
      expect(found.ok && found.value.map((c) => c.id)).to.deep.equal([contact.id]);
      expect(found.ok && found.value[0].contact_inboxes?.[0].inbox.id).to.equal(inbox.id);
      const none = await client.contactsByPhone(['+551187654321']);
      expect(none.ok && none.value).to.deep.equal([]);
      const searched = await client.searchContacts('5511987654321@s.whatsapp.net');
      expect(searched.ok && searched.value.map((c) => c.name)).to.deep.equal(['Maria']);
    });

    it('keeps conversations per contact with their status', async () => {
      const { contact, conversation } = await conversationWithContact();
      expect(conversation.status).to.equal('open');
      const toggled = await client.toggleStatus(conversation.id, 'resolved');
      expect(toggled.ok && toggled.value).to.deep.equal({ meta: {}, payload: { success: true, current_status: 'resolved', conversation_id: conversation.id } });
      const listed = await client.contactConversations(contact.id);
      expect(listed.ok && listed.value.map((c) => [c.id, c.status])).to.deep.equal([[conversation.id, 'resolved']]);
    });

    it('stores JSON and multipart messages, serving attachment bytes at their data_url', async () => {
      const { conversation } = await conversationWithContact();
      const text = await client.createMessage(conversation.id, { content: 'hello', message_type: 'incoming', source_id: 'WAID:1' });
      expect(text.ok && text.value).to.include({ content: 'hello', source_id: 'WAID:1', message_type: 0 });
      const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01, 0x02]);
      const image = await client.createMessageWithFile(
        conversation.id,
        { content: '', message_type: 'incoming', source_id: 'WAID:2', content_attributes: { in_reply_to: text.ok ? text.value.id : 0 } },
        { bytes, filename: 'photo.jpg', mimetype: 'image/jpeg' },
      );
      expect(image.ok).to.equal(true);
      const listed = await raw('GET', `/conversations/${conversation.id}/messages`);
      const body = (await listed.json()) as { payload: Array<{ source_id: string; content_attributes: Record<string, unknown>; attachments: Array<{ file_type: string; data_url: string }> }> };
      expect(body.payload.map((m) => m.source_id)).to.deep.equal(['WAID:1', 'WAID:2']);
      expect(body.payload[1].content_attributes).to.deep.equal({ in_reply_to: text.ok ? text.value.id : 0 });
      expect(body.payload[1].attachments[0].file_type).to.equal('image');
      const served = await fetch(body.payload[1].attachments[0].data_url);
      expect(Buffer.from(await served.arrayBuffer())).to.deep.equal(bytes);
    });

    it('deletes a message', async () => {
      const { conversation } = await conversationWithContact();
      const text = await client.createMessage(conversation.id, { content: 'oops', message_type: 'outgoing' });
      if (!text.ok) throw new Error(text.error);
      expect((await client.deleteMessage(conversation.id, text.value.id)).ok).to.equal(true);
      expect(peer.messages(conversation.id)[0].contentAttributes).to.deep.equal({ deleted: true });
    });
  });

  describe('posts webhooks when an agent acts', () => {
    it('message_created for an agent reply, with its attachment and reply link', async () => {
      const { conversation, contact } = await conversationWithContact();
      const bytes = Buffer.from('%PDF-1.4 tiny');
      const reply = await peer.agentReply(conversation.id, {
        content: 'here you go',
        attachments: [{ bytes, filename: 'invoice.pdf', mimetype: 'application/pdf' }],
        contentAttributes: { in_reply_to: 7 },
      });
      expect(receiver.requests).to.have.length(1);
      expect(receiver.requests[0].path).to.equal('/chatwoot/webhook/sales');
      const body = receiver.requests[0].body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a webhook read field by field
      expect(body).to.include({ event: 'message_created', message_type: 'outgoing', content: 'here you go', private: false, id: reply.id });
      expect(body.sender.type).to.equal('user');
      expect(body.conversation.id).to.equal(conversation.id);
      expect(body.conversation.meta.sender.phone_number).to.equal(contact.phone_number);
      expect(body.content_attributes).to.deep.equal({ in_reply_to: 7 });
      const served = await fetch(body.attachments[0].data_url as string);
      expect(Buffer.from(await served.arrayBuffer())).to.deep.equal(bytes);
    });

    it('message_updated for a deletion and conversation_status_changed for a resolve', async () => {
      const { conversation } = await conversationWithContact();
      const reply = await peer.agentReply(conversation.id, { content: 'bye' });
      await peer.agentDelete(reply.id);
      await peer.resolve(conversation.id);
      expect(receiver.requests.map((r) => r.body.event)).to.deep.equal(['message_created', 'message_updated', 'conversation_status_changed']);
      expect(receiver.requests[1].body.content_attributes).to.deep.equal({ deleted: true });
      expect(receiver.requests[2].body).to.include({ id: conversation.id, status: 'resolved' });
    });
  });
});
