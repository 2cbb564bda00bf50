// A Chatwoot stand-in: the Application API routes the gateway calls, held in
// memory, strict about requests the way Chatwoot's published API is, and
// posting Chatwoot's webhooks to an inbox when a test acts as an agent.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { violations, type Operation } from './request-validation.js';
import {
  PeerState,
  type Account,
  type Attachment,
  type Contact,
  type Conversation,
  type ConversationStatus,
  type Inbox,
  type Message,
  type MessageType,
} from './state.js';

export interface AgentAttachment { bytes: Buffer; filename: string; mimetype: string }
export interface AgentReply {
  content?: string;
  private?: boolean;
  attachments?: AgentAttachment[];
  contentAttributes?: Record<string, unknown>;
}
export interface RecordedRequest { method: string; path: string; status: number }
export interface WebhookCall { url: string; body: Record<string, unknown>; status: number | null }

type Json = Record<string, unknown>;
interface Reply { status: number; body: unknown }
interface Incoming { method: string; url: URL; body: Json; multipart: boolean; files: AgentAttachment[] }

const ok = (body: unknown): Reply => ({ status: 200, body });
const notFound = (): Reply => ({ status: 404, body: { error: 'Resource could not be found' } });
const unprocessable = (message: string, attributes: string[] = []): Reply => ({ status: 422, body: { message, attributes } });
const E164 = /^\+[1-9]\d{1,14}$/;

export class ChatwootPeer {
  readonly state: PeerState;
  readonly requests: RecordedRequest[] = [];
  readonly webhooks: WebhookCall[] = [];
  private readonly server: http.Server;
  private failures = 0;
  private down = false;
  private held: Promise<void> | null = null;

  private constructor() {
    this.state = new PeerState(() => this.url);
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  static async start(): Promise<ChatwootPeer> {
    const peer = new ChatwootPeer();
    await new Promise<void>((resolve) => peer.server.listen(0, '127.0.0.1', resolve));
    return peer;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- test API ----

  addAccount(name = 'Acme'): Account {
    const account = { id: this.state.id(), name, token: randomBytes(12).toString('hex') };
    this.state.accounts.push(account);
    return account;
  }

  /** A contact saved in Chatwoot before the gateway sees it (as an agent would create it). */
  addContact(accountId: number, fields: { name: string; phoneNumber?: string; identifier?: string }): Contact {
    const contact: Contact = {
      id: this.state.id(),
      accountId,
      name: fields.name,
      email: null,
      phoneNumber: fields.phoneNumber ?? null,
      identifier: fields.identifier ?? null,
      avatarUrl: null,
      customAttributes: {},
      additionalAttributes: {},
      createdAt: Date.now(),
    };
    this.state.contacts.push(contact);
    return contact;
  }

  /** A conversation an agent opens with a contact in an inbox. */
  openConversation(accountId: number, inboxId: number, contactId: number): Conversation {
    const sourceId = randomBytes(8).toString('hex');
    this.state.contactInboxes.push({ contactId, inboxId, sourceId });
    const conversation: Conversation = { id: this.state.id(), accountId, inboxId, contactId, sourceId, status: 'open', createdAt: Date.now() };
    this.state.conversations.push(conversation);
    return conversation;
  }

  /** The next n API requests answer 500. */
  failNext(n: number): void {
    this.failures = n;
  }

  /** While on, every API request answers 500. */
  outage(on: boolean): void {
    this.down = on;
  }

  /** Attachment downloads wait until the returned function is called. */
  holdAttachments(): () => void {
    let release = () => {};
    this.held = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.held = null;
      release();
    };
  }

  inboxes(accountId?: number): Inbox[] {
    return this.state.inboxes.filter((i) => accountId === undefined || i.accountId === accountId);
  }
  contacts(accountId?: number): Contact[] {
    return this.state.contacts.filter((c) => accountId === undefined || c.accountId === accountId);
  }
  conversations(accountId?: number): Conversation[] {
    return this.state.conversations.filter((c) => accountId === undefined || c.accountId === accountId);
  }
  messages(conversationId?: number): Message[] {
    return this.state.messages.filter((m) => conversationId === undefined || m.conversationId === conversationId);
  }

  /** An agent answers in a conversation: Chatwoot stores it and posts `message_created`. */
  async agentReply(conversationId: number, reply: AgentReply): Promise<Message> {
    const conversation = this.state.conversation(conversationId);
    const message = this.storeMessage(conversation, {
      content: reply.content ?? null,
      messageType: 'outgoing',
      private: reply.private ?? false,
      sourceId: null,
      contentAttributes: reply.contentAttributes ?? {},
      files: reply.attachments ?? [],
      sender: { type: 'user' },
    });
    await this.post(conversation.inboxId, this.state.messageWebhook('message_created', message));
    return message;
  }

  /** An agent deletes a message: Chatwoot blanks it and posts `message_updated`. */
  async agentDelete(messageId: number): Promise<void> {
    const message = this.state.messages.find((m) => m.id === messageId);
    if (!message) throw new Error(`message ${messageId} does not exist`);
    this.markDeleted(message);
    const inboxId = this.state.conversation(message.conversationId).inboxId;
    await this.post(inboxId, this.state.messageWebhook('message_updated', message));
  }

  /** An agent resolves a conversation: Chatwoot posts `conversation_status_changed`. */
  async resolve(conversationId: number): Promise<void> {
    const conversation = this.state.conversation(conversationId);
    conversation.status = 'resolved';
    await this.post(conversation.inboxId, {
      ...this.state.conversationView(conversation),
      event: 'conversation_status_changed',
      changed_attributes: [{ status: { previous_value: 'open', current_value: 'resolved' } }],
    });
  }

  /** The bytes behind an attachment's data_url. */
  attachmentBytes(attachmentId: number): Buffer | undefined {
    return this.allAttachments().find((a) => a.id === attachmentId)?.bytes;
  }

  // ---- HTTP ----

  private allAttachments(): Attachment[] {
    return this.state.messages.flatMap((m) => m.attachments);
  }

  private async post(inboxId: number, body: Json): Promise<void> {
    const url = this.state.inbox(inboxId).webhookUrl;
    const call: WebhookCall = { url, body, status: null };
    this.webhooks.push(call);
    if (!url) return;
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      call.status = response.status;
      await response.arrayBuffer();
    } catch {
      call.status = 0;
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    let reply: Reply;
    try {
      reply = await this.answer(req, method, url, raw);
    } catch (error) {
      reply = { status: 500, body: { error: String(error) } };
    }
    this.requests.push({ method, path: url.pathname + url.search, status: reply.status });
    if (Buffer.isBuffer(reply.body)) {
      res.writeHead(reply.status, { 'content-type': 'application/octet-stream' }).end(reply.body);
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  }

  private async answer(req: http.IncomingMessage, method: string, url: URL, raw: Buffer): Promise<Reply> {
    const blob = url.pathname.match(/^\/rails\/active_storage\/blobs\/(\d+)\//);
    if (blob && method === 'GET') {
      if (this.held) await this.held;
      const bytes = this.attachmentBytes(Number(blob[1]));
      return bytes ? { status: 200, body: bytes } : notFound();
    }
    if (this.down || this.failures > 0) {
      if (!this.down) this.failures -= 1;
      return { status: 500, body: { error: 'Internal Server Error' } };
    }
    const scoped = url.pathname.match(/^\/api\/v1\/accounts\/(\d+)(\/.*)$/);
    if (!scoped) return notFound();
    const account = this.state.accounts.find((a) => a.id === Number(scoped[1]));
    const token = req.headers['api_access_token'];
    if (!account || token !== account.token) return { status: 401, body: { error: 'You need to sign in or sign up before continuing.' } };
    const incoming = await parseBody(req.headers['content-type'] ?? '', raw, method, url);
    if ('status' in incoming) return incoming;
    return this.route(account, scoped[2], incoming);
  }

  private route(account: Account, path: string, request: Incoming): Reply {
    const { method } = request;
    const id = (pattern: RegExp) => path.match(pattern)?.slice(1).map(Number);
    if (path === '/inboxes' && method === 'GET') return ok({ payload: this.inboxes(account.id).map((i) => this.state.inboxView(i)) });
    if (path === '/inboxes' && method === 'POST') return this.checked('inbox_create', request, () => this.createInbox(account, request.body));
    const inbox = id(/^\/inboxes\/(\d+)$/);
    if (inbox && method === 'PATCH') return this.checked('inbox_update', request, () => this.updateInbox(account, inbox[0], request.body));
    if (path === '/contacts' && method === 'POST') return this.checked('contact_create', request, () => this.createContact(account, request.body));
    if (path === '/contacts/search' && method === 'GET') return this.searchContacts(account, request.url.searchParams.get('q'));
    if (path === '/contacts/filter' && method === 'POST') return this.checked('contact_filter', request, () => this.filterContacts(account, request.body), 400);
    const contact = id(/^\/contacts\/(\d+)$/);
    if (contact && (method === 'PUT' || method === 'PATCH')) return this.checked('contact_update', request, () => this.updateContact(account, contact[0], request.body));
    const contactConversations = id(/^\/contacts\/(\d+)\/conversations$/);
    if (contactConversations && method === 'GET') return this.listContactConversations(account, contactConversations[0]);
    if (path === '/conversations' && method === 'POST') return this.checked('conversation_create', request, () => this.createConversation(account, request.body));
    const conversation = id(/^\/conversations\/(\d+)$/);
    if (conversation && method === 'GET') return this.showConversation(account, conversation[0]);
    const toggle = id(/^\/conversations\/(\d+)\/toggle_status$/);
    if (toggle && method === 'POST') return this.checked('conversation_toggle_status', request, () => this.toggleStatus(account, toggle[0], request.body));
    const messages = id(/^\/conversations\/(\d+)\/messages$/);
    if (messages && method === 'GET') return this.listMessages(account, messages[0]);
    if (messages && method === 'POST') {
      const operation = request.multipart ? 'message_create_attachment' : 'message_create';
      return this.checked(operation, request, () => this.createMessage(account, messages[0], request));
    }
    const message = id(/^\/conversations\/(\d+)\/messages\/(\d+)$/);
    if (message && method === 'DELETE') return this.deleteMessage(account, message[0], message[1]);
    return notFound();
  }

  private checked(operation: Operation, request: Incoming, then: () => Reply, status = 422): Reply {
    const problems = violations(operation, request.body, request.multipart ? 'multipart' : 'json');
    if (problems) return { status, body: { message: problems.join(', '), attributes: [] } };
    return then();
  }

  private createInbox(account: Account, body: Json): Reply {
    const channel = (body.channel ?? {}) as Json;
    if (channel.type !== 'api') return unprocessable('Invalid channel type');
    if (typeof body.name !== 'string' || body.name.trim() === '') return unprocessable("Name can't be blank", ['name']);
    const inbox: Inbox = { id: this.state.id(), accountId: account.id, name: body.name, webhookUrl: String(channel.webhook_url ?? ''), channelId: this.state.id() };
    this.state.inboxes.push(inbox);
    return ok(this.state.inboxView(inbox));
  }

  private updateInbox(account: Account, inboxId: number, body: Json): Reply {
    const inbox = this.inboxes(account.id).find((i) => i.id === inboxId);
    if (!inbox) return notFound();
    if (typeof body.name === 'string') inbox.name = body.name;
    const channel = body.channel as Json | undefined;
    if (channel && typeof channel.webhook_url === 'string') inbox.webhookUrl = channel.webhook_url;
    return ok(this.state.inboxView(inbox));
  }

  /** Chatwoot keeps phone numbers E.164 and unique per account, identifiers too. */
  private contactConflict(account: Account, fields: Json, self?: number): Reply | null {
    const phone = fields.phone_number;
    if (typeof phone === 'string' && phone !== '' && !E164.test(phone)) return unprocessable('Phone number should be in e164 format', ['phone_number']);
    const others = this.contacts(account.id).filter((c) => c.id !== self);
    if (typeof phone === 'string' && phone !== '' && others.some((c) => c.phoneNumber === phone)) return unprocessable('Phone number has already been taken', ['phone_number']);
    const identifier = fields.identifier;
    if (typeof identifier === 'string' && identifier !== '' && others.some((c) => c.identifier === identifier)) return unprocessable('Identifier has already been taken', ['identifier']);
    return null;
  }

  private createContact(account: Account, body: Json): Reply {
    const inbox = this.inboxes(account.id).find((i) => i.id === body.inbox_id);
    if (!inbox) return notFound();
    const conflict = this.contactConflict(account, body);
    if (conflict) return conflict;
    const contact: Contact = {
      id: this.state.id(),
      accountId: account.id,
      name: typeof body.name === 'string' ? body.name : '',
      email: typeof body.email === 'string' ? body.email : null,
      phoneNumber: typeof body.phone_number === 'string' && body.phone_number !== '' ? body.phone_number : null,
      identifier: typeof body.identifier === 'string' && body.identifier !== '' ? body.identifier : null,
      avatarUrl: typeof body.avatar_url === 'string' ? body.avatar_url : null,
      customAttributes: (body.custom_attributes as Json | undefined) ?? {},
      additionalAttributes: (body.additional_attributes as Json | undefined) ?? {},
      createdAt: Date.now(),
    };
    this.state.contacts.push(contact);
    const link = { contactId: contact.id, inboxId: inbox.id, sourceId: randomUUID() };
    this.state.contactInboxes.push(link);
    return ok({ payload: { contact: this.state.contactView(contact), contact_inbox: { inbox: this.state.inboxView(inbox), source_id: link.sourceId } } });
  }

  private updateContact(account: Account, contactId: number, body: Json): Reply {
    const contact = this.contacts(account.id).find((c) => c.id === contactId);
    if (!contact) return notFound();
    const conflict = this.contactConflict(account, body, contact.id);
    if (conflict) return conflict;
    if (typeof body.name === 'string') contact.name = body.name;
    if (typeof body.email === 'string') contact.email = body.email;
    if (typeof body.phone_number === 'string') contact.phoneNumber = body.phone_number;
    if (typeof body.identifier === 'string') contact.identifier = body.identifier;
    if (typeof body.avatar_url === 'string') contact.avatarUrl = body.avatar_url;
    return ok({ payload: this.state.contactView(contact) });
  }

  private contactList(contacts: Contact[]): Reply {
    return ok({ meta: { count: contacts.length, current_page: 1 }, payload: contacts.map((c) => this.state.contactView(c)) });
  }

  private searchContacts(account: Account, q: string | null): Reply {
    const needle = (q ?? '').toLowerCase();
    const fields = (c: Contact) => [c.name, c.email, c.phoneNumber, c.identifier];
    return this.contactList(this.contacts(account.id).filter((c) => fields(c).some((f) => f?.toLowerCase().includes(needle))));
  }

  /** Contacts::FilterService, for the equality filters: phone numbers compared with their `+`. */
  private filterContacts(account: Account, body: Json): Reply {
    const conditions = (body.payload ?? []) as Array<{ attribute_key?: string; filter_operator?: string; values?: string[]; query_operator?: string }>;
    if (conditions.length === 0) return { status: 400, body: { error: 'Invalid filter' } };
    const known = ['name', 'email', 'phone_number', 'identifier'];
    for (const condition of conditions) {
      if (!condition.attribute_key || !known.includes(condition.attribute_key)) return { status: 400, body: { error: `Invalid attribute key - [${condition.attribute_key}]` } };
    }
    const holds = (contact: Contact, condition: (typeof conditions)[number]) => {
      const key = condition.attribute_key as 'name' | 'email' | 'phone_number' | 'identifier';
      const value = key === 'phone_number' ? contact.phoneNumber : key === 'name' ? contact.name : contact[key];
      const wanted = (condition.values ?? []).map((v) => (key === 'phone_number' ? `+${v.replace(/^\+/, '')}` : v));
      const equal = value !== null && wanted.includes(value);
      const contains = value !== null && wanted.some((w) => value.includes(w));
      switch (condition.filter_operator) {
        case 'not_equal_to': return !equal;
        case 'contains': return contains;
        case 'does_not_contain': return !contains;
        default: return equal;
      }
    };
    const matches = (contact: Contact) => {
      let result = holds(contact, conditions[0]);
      for (let i = 1; i < conditions.length; i += 1) {
        const next = holds(contact, conditions[i]);
        result = conditions[i - 1].query_operator === 'AND' ? result && next : result || next;
      }
      return result;
    };
    return this.contactList(this.contacts(account.id).filter(matches));
  }

  private listContactConversations(account: Account, contactId: number): Reply {
    if (!this.contacts(account.id).some((c) => c.id === contactId)) return notFound();
    const list = this.conversations(account.id).filter((c) => c.contactId === contactId);
    return ok({ payload: list.map((c) => this.state.conversationView(c)) });
  }

  private createConversation(account: Account, body: Json): Reply {
    const inbox = this.inboxes(account.id).find((i) => i.id === body.inbox_id);
    if (!inbox) return notFound();
    const sourceId = String(body.source_id);
    let link = this.state.contactInboxes.find((l) => l.inboxId === inbox.id && l.sourceId === sourceId);
    if (!link) {
      const contact = this.contacts(account.id).find((c) => c.id === body.contact_id);
      if (!contact) return unprocessable('Contact inbox not found', ['source_id']);
      link = { contactId: contact.id, inboxId: inbox.id, sourceId };
      this.state.contactInboxes.push(link);
    }
    const conversation: Conversation = {
      id: this.state.id(),
      accountId: account.id,
      inboxId: inbox.id,
      contactId: link.contactId,
      sourceId,
      status: (body.status as ConversationStatus | undefined) ?? 'open',
      createdAt: Date.now(),
    };
    this.state.conversations.push(conversation);
    return ok(this.state.conversationView(conversation));
  }

  private ownConversation(account: Account, conversationId: number): Conversation | undefined {
    return this.conversations(account.id).find((c) => c.id === conversationId);
  }

  private showConversation(account: Account, conversationId: number): Reply {
    const conversation = this.ownConversation(account, conversationId);
    return conversation ? ok(this.state.conversationView(conversation)) : notFound();
  }

  private toggleStatus(account: Account, conversationId: number, body: Json): Reply {
    const conversation = this.ownConversation(account, conversationId);
    if (!conversation) return notFound();
    conversation.status = body.status as ConversationStatus;
    return ok({ meta: {}, payload: { success: true, current_status: conversation.status, conversation_id: conversation.id } });
  }

  private listMessages(account: Account, conversationId: number): Reply {
    const conversation = this.ownConversation(account, conversationId);
    if (!conversation) return notFound();
    const contact = this.state.contactEventData(this.state.contact(conversation.contactId));
    return ok({
      meta: { labels: [], additional_attributes: {}, contact, assignee: null, agent_last_seen_at: null, assignee_last_seen_at: null },
      payload: this.messages(conversationId).map((m) => this.state.messageView(m)),
    });
  }

  private createMessage(account: Account, conversationId: number, request: Incoming): Reply {
    const conversation = this.ownConversation(account, conversationId);
    if (!conversation) return notFound();
    const { body } = request;
    let contentAttributes: unknown = body.content_attributes ?? {};
    // Multipart forms carry content_attributes as JSON text.
    if (typeof contentAttributes === 'string') {
      try {
        contentAttributes = JSON.parse(contentAttributes) as unknown;
      } catch {
        return unprocessable('content_attributes is not JSON', ['content_attributes']);
      }
    }
    const messageType = (body.message_type as MessageType | undefined) ?? 'outgoing';
    const content = typeof body.content === 'string' && body.content !== '' ? body.content : null;
    if (content === null && request.files.length === 0) return unprocessable("Content can't be blank", ['content']);
    const message = this.storeMessage(conversation, {
      content,
      messageType,
      private: body.private === true,
      sourceId: typeof body.source_id === 'string' ? body.source_id : null,
      contentAttributes: contentAttributes as Json,
      files: request.files,
      sender: messageType === 'incoming' ? { type: 'contact', id: conversation.contactId } : { type: 'user' },
    });
    return ok(this.state.messageView(message));
  }

  private deleteMessage(account: Account, conversationId: number, messageId: number): Reply {
    const message = this.messages(conversationId).find((m) => m.id === messageId && m.accountId === account.id);
    if (!message) return notFound();
    this.markDeleted(message);
    return ok(this.state.messageView(message));
  }

  private markDeleted(message: Message): void {
    message.content = 'This message was deleted';
    message.contentAttributes = { ...message.contentAttributes, deleted: true };
    message.attachments = [];
  }

  private storeMessage(
    conversation: Conversation,
    fields: Pick<Message, 'content' | 'messageType' | 'private' | 'sourceId' | 'contentAttributes' | 'sender'> & { files: AgentAttachment[] },
  ): Message {
    const id = this.state.id();
    const message: Message = {
      id,
      accountId: conversation.accountId,
      conversationId: conversation.id,
      content: fields.content,
      messageType: fields.messageType,
      private: fields.private,
      sourceId: fields.sourceId,
      contentType: 'text',
      contentAttributes: fields.contentAttributes,
      attachments: fields.files.map((file) => ({ id: this.state.id(), messageId: id, ...file })),
      sender: fields.sender,
      createdAt: Date.now(),
    };
    this.state.messages.push(message);
    return message;
  }
}

/** JSON, or a multipart form with its `attachments[]` files; a body Rails could not parse is a 400. */
async function parseBody(contentType: string, raw: Buffer, method: string, url: URL): Promise<Incoming | Reply> {
  const empty = { method, url, body: {}, multipart: false, files: [] };
  if (raw.length === 0) return empty;
  if (contentType.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    } catch {
      return { status: 400, body: { error: 'Invalid multipart body' } };
    }
    const body: Json = {};
    const files: AgentAttachment[] = [];
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') {
        body[name] = value;
        continue;
      }
      if (name !== 'attachments[]') continue;
      files.push({ bytes: Buffer.from(await value.arrayBuffer()), filename: value.name, mimetype: value.type || 'application/octet-stream' });
    }
    if (files.length > 0) body.attachments = files.map((f) => f.filename);
    return { method, url, body, multipart: true, files };
  }
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { status: 400, body: { error: 'Invalid JSON body' } };
    return { ...empty, body: parsed as Json };
  } catch {
    return { status: 400, body: { error: 'Invalid JSON body' } };
  }
}
