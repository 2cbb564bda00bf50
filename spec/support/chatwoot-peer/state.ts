// What the peer remembers, and how Chatwoot shows it (its jbuilder views and webhook_data).
export type MessageType = 'incoming' | 'outgoing' | 'activity' | 'template';
export type ConversationStatus = 'open' | 'resolved' | 'pending' | 'snoozed';

export interface Account { id: number; name: string; token: string }
export interface Inbox { id: number; accountId: number; name: string; webhookUrl: string; channelId: number }
export interface Contact {
  id: number;
  accountId: number;
  name: string;
  email: string | null;
  phoneNumber: string | null;
  identifier: string | null;
  avatarUrl: string | null;
  customAttributes: Record<string, unknown>;
  additionalAttributes: Record<string, unknown>;
  createdAt: number;
}
export interface ContactInbox { contactId: number; inboxId: number; sourceId: string }
export interface Conversation {
  id: number;
  accountId: number;
  inboxId: number;
  contactId: number;
  sourceId: string;
  status: ConversationStatus;
  createdAt: number;
}
export interface Attachment { id: number; messageId: number; filename: string; mimetype: string; bytes: Buffer }
export interface Message {
  id: number;
  accountId: number;
  conversationId: number;
  content: string | null;
  messageType: MessageType;
  private: boolean;
  sourceId: string | null;
  contentType: string;
  contentAttributes: Record<string, unknown>;
  attachments: Attachment[];
  /** Agent replies are sent by a user; the API's incoming messages by the contact. */
  sender: { type: 'user' } | { type: 'contact'; id: number } | null;
  createdAt: number;
}

export const AGENT = Object.freeze({ id: 1, name: 'Ana Agent', email: 'ana@chatwoot.test' });

const MESSAGE_TYPES: MessageType[] = ['incoming', 'outgoing', 'activity', 'template'];
export const messageTypeNumber = (type: MessageType) => MESSAGE_TYPES.indexOf(type);

export function fileType(mimetype: string): 'image' | 'audio' | 'video' | 'file' {
  const major = mimetype.split('/')[0];
  return major === 'image' || major === 'audio' || major === 'video' ? major : 'file';
}

/** The peer's memory, with Chatwoot's JSON views of it. */
export class PeerState {
  readonly accounts: Account[] = [];
  readonly inboxes: Inbox[] = [];
  readonly contacts: Contact[] = [];
  readonly contactInboxes: ContactInbox[] = [];
  readonly conversations: Conversation[] = [];
  readonly messages: Message[] = [];
  private nextId = 1;

  constructor(private readonly baseUrl: () => string) {}

  id(): number {
    return this.nextId++;
  }

  inboxView(inbox: Inbox) {
    return {
      id: inbox.id,
      avatar_url: '',
      channel_id: inbox.channelId,
      name: inbox.name,
      channel_type: 'Channel::Api',
      greeting_enabled: false,
      greeting_message: null,
      working_hours_enabled: false,
      enable_email_collect: true,
      csat_survey_enabled: false,
      enable_auto_assignment: true,
      out_of_office_message: null,
      working_hours: [],
      timezone: 'UTC',
      callback_webhook_url: null,
      allow_messages_after_resolved: true,
      lock_to_single_conversation: false,
      webhook_url: inbox.webhookUrl,
      inbox_identifier: `inbox-${inbox.id}`,
      additional_attributes: {},
    };
  }

  contactView(contact: Contact) {
    return {
      additional_attributes: contact.additionalAttributes,
      availability_status: 'offline',
      email: contact.email,
      id: contact.id,
      name: contact.name,
      phone_number: contact.phoneNumber,
      blocked: false,
      identifier: contact.identifier,
      thumbnail: contact.avatarUrl ?? '',
      custom_attributes: contact.customAttributes,
      created_at: Math.floor(contact.createdAt / 1000),
      last_activity_at: null,
      contact_inboxes: this.contactInboxes
        .filter((link) => link.contactId === contact.id)
        .map((link) => ({ source_id: link.sourceId, inbox: this.inboxView(this.inbox(link.inboxId)) })),
    };
  }

  /** Contact#push_event_data: the contact as conversations and webhooks show it. */
  contactEventData(contact: Contact) {
    return {
      additional_attributes: contact.additionalAttributes,
      custom_attributes: contact.customAttributes,
      email: contact.email,
      id: contact.id,
      identifier: contact.identifier,
      name: contact.name,
      phone_number: contact.phoneNumber,
      thumbnail: contact.avatarUrl ?? '',
      blocked: false,
      type: 'contact',
    };
  }

  attachmentView(attachment: Attachment, accountId: number) {
    const url = `${this.baseUrl()}/rails/active_storage/blobs/${attachment.id}/${encodeURIComponent(attachment.filename)}`;
    return {
      id: attachment.id,
      message_id: attachment.messageId,
      file_type: fileType(attachment.mimetype),
      account_id: accountId,
      extension: attachment.filename.includes('.') ? attachment.filename.split('.').pop() : null,
      data_url: url,
      thumb_url: fileType(attachment.mimetype) === 'image' ? url : '',
      file_size: attachment.bytes.length,
    };
  }

  private senderView(message: Message) {
    if (!message.sender) return null;
    if (message.sender.type === 'user') return { ...AGENT, avatar_url: '', type: 'user', availability_status: 'online' };
    return this.contactEventData(this.contact(message.sender.id));
  }

  /** The API's message view: message_type as Chatwoot's integer. */
  messageView(message: Message) {
    return {
      id: message.id,
      content: message.content,
      inbox_id: this.conversation(message.conversationId).inboxId,
      conversation_id: message.conversationId,
      message_type: messageTypeNumber(message.messageType),
      content_type: message.contentType,
      status: 'sent',
      content_attributes: message.contentAttributes,
      created_at: Math.floor(message.createdAt / 1000),
      private: message.private,
      source_id: message.sourceId,
      sender: this.senderView(message),
      attachments: message.attachments.map((attachment) => this.attachmentView(attachment, message.accountId)),
    };
  }

  conversationView(conversation: Conversation) {
    const contact = this.contact(conversation.contactId);
    const last = this.messages.filter((m) => m.conversationId === conversation.id).at(-1);
    return {
      meta: { sender: this.contactEventData(contact), channel: 'Channel::Api', assignee: null, hmac_verified: false },
      id: conversation.id,
      messages: last ? [this.messageView(last)] : [],
      account_id: conversation.accountId,
      uuid: `00000000-0000-4000-8000-${String(conversation.id).padStart(12, '0')}`,
      additional_attributes: {},
      agent_last_seen_at: 0,
      assignee_last_seen_at: 0,
      can_reply: true,
      contact_last_seen_at: 0,
      custom_attributes: {},
      inbox_id: conversation.inboxId,
      labels: [],
      muted: false,
      snoozed_until: null,
      status: conversation.status,
      created_at: Math.floor(conversation.createdAt / 1000),
      timestamp: Math.floor(conversation.createdAt / 1000),
      unread_count: 0,
      priority: null,
      contact_inbox: { source_id: conversation.sourceId },
    };
  }

  /** Message#webhook_data merged with its event name. */
  messageWebhook(event: 'message_created' | 'message_updated', message: Message) {
    const conversation = this.conversation(message.conversationId);
    const inbox = this.inbox(conversation.inboxId);
    const view = this.messageView(message);
    return {
      event,
      account: { id: message.accountId, name: this.account(message.accountId).name },
      additional_attributes: {},
      content_attributes: message.contentAttributes,
      content_type: message.contentType,
      content: message.content,
      conversation: this.conversationView(conversation),
      created_at: new Date(message.createdAt).toISOString(),
      id: message.id,
      inbox: { id: inbox.id, name: inbox.name },
      message_type: message.messageType,
      private: message.private,
      sender: view.sender,
      source_id: message.sourceId,
      ...(message.attachments.length > 0 ? { attachments: view.attachments } : {}),
    };
  }

  account(id: number): Account {
    return must(this.accounts.find((a) => a.id === id), `account ${id}`);
  }
  inbox(id: number): Inbox {
    return must(this.inboxes.find((i) => i.id === id), `inbox ${id}`);
  }
  contact(id: number): Contact {
    return must(this.contacts.find((c) => c.id === id), `contact ${id}`);
  }
  conversation(id: number): Conversation {
    return must(this.conversations.find((c) => c.id === id), `conversation ${id}`);
  }
}

function must<T>(found: T | undefined, what: string): T {
  if (found === undefined) throw new Error(`${what} does not exist`);
  return found;
}
