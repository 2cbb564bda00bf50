// Chatwoot's Application API, the routes this gateway uses. Failures are
// outcome values; the access token travels in a header and in no error text.
import { redactUrlCredentials } from '../url-credentials.js';

export interface ChatwootAccount {
  /** Without a trailing slash. */
  url: string;
  accountId: string;
  token: string;
}

export interface CwInbox { id: number; name: string; webhook_url?: string | null }
export interface CwContactInbox { source_id: string; inbox: { id: number } }
export interface CwContact {
  id: number;
  name: string | null;
  phone_number: string | null;
  identifier: string | null;
  thumbnail?: string | null;
  contact_inboxes?: CwContactInbox[];
}
export type CwConversationStatus = 'open' | 'resolved' | 'pending' | 'snoozed';
export interface CwConversation { id: number; inbox_id: number; status: CwConversationStatus }
export interface CwMessage { id: number; source_id: string | null; content: string | null }
export type CwMessageType = 'incoming' | 'outgoing';

export interface NewMessage {
  content: string;
  message_type: CwMessageType;
  private?: boolean;
  source_id?: string;
  content_attributes?: Record<string, unknown>;
}
export interface FileUpload { bytes: Uint8Array; filename: string; mimetype: string }

export type ChatwootResult<T> =
  | { ok: true; value: T }
  | { ok: false; status: number | null; retryable: boolean; error: string };

const failure = (status: number | null, error: string): ChatwootResult<never> => ({
  ok: false,
  status,
  // Timeouts, throttling and server errors may pass; any other refusal would repeat.
  retryable: status === null || status === 408 || status === 429 || status >= 500,
  error,
});

export class ChatwootClient {
  constructor(
    private readonly account: ChatwootAccount,
    private readonly timeoutMs = 10_000,
  ) {}

  private path(rest: string): string {
    return `/api/v1/accounts/${encodeURIComponent(this.account.accountId)}${rest}`;
  }

  private async call<T>(method: string, rest: string, body?: unknown | FormData): Promise<ChatwootResult<T>> {
    const path = this.path(rest);
    const headers: Record<string, string> = { api_access_token: this.account.token, accept: 'application/json' };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const what = `${method} ${redactUrlCredentials(this.account.url)}${path.split('?')[0]}`;
    try {
      const response = await fetch(`${this.account.url}${path}`, { method, headers, body: payload, signal: AbortSignal.timeout(this.timeoutMs) });
      const text = await response.text();
      if (!response.ok) return failure(response.status, `${what} answered ${response.status}: ${text.slice(0, 200)}`);
      return { ok: true, value: (text ? JSON.parse(text) : {}) as T };
    } catch (error) {
      return failure(null, `${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async listInboxes(): Promise<ChatwootResult<CwInbox[]>> {
    return map(await this.call<{ payload: CwInbox[] }>('GET', '/inboxes'), (r) => r.payload);
  }

  createApiInbox(name: string, webhookUrl: string): Promise<ChatwootResult<CwInbox>> {
    return this.call<CwInbox>('POST', '/inboxes', { name, channel: { type: 'api', webhook_url: webhookUrl } });
  }

  updateInboxWebhook(inboxId: number, webhookUrl: string): Promise<ChatwootResult<CwInbox>> {
    return this.call<CwInbox>('PATCH', `/inboxes/${inboxId}`, { channel: { webhook_url: webhookUrl } });
  }

  /** Contacts whose phone number is any of `numbers` (E.164, with or without `+`). */
  async contactsByPhone(numbers: readonly string[]): Promise<ChatwootResult<CwContact[]>> {
    const payload = numbers.map((number, index) => ({
      attribute_key: 'phone_number',
      filter_operator: 'equal_to',
      values: [number.replace(/^\+/, '')],
      // The last condition closes the chain: it carries no operator.
      ...(index < numbers.length - 1 ? { query_operator: 'OR' } : {}),
    }));
    return map(await this.call<{ payload: CwContact[] }>('POST', '/contacts/filter', { payload }), (r) => r.payload);
  }

  async searchContacts(q: string): Promise<ChatwootResult<CwContact[]>> {
    return map(await this.call<{ payload: CwContact[] }>('GET', `/contacts/search?q=${encodeURIComponent(q)}`), (r) => r.payload);
  }

  /** The new contact and the source id of its link to the inbox. */
  async createContact(fields: { inbox_id: number; name: string; phone_number?: string; identifier?: string; avatar_url?: string }): Promise<ChatwootResult<{ contact: CwContact; sourceId: string }>> {
    const result = await this.call<{ payload: { contact: CwContact; contact_inbox: CwContactInbox } }>('POST', '/contacts', fields);
    return map(result, (r) => ({ contact: r.payload.contact, sourceId: r.payload.contact_inbox.source_id }));
  }

  async updateContact(contactId: number, fields: { name?: string; phone_number?: string; identifier?: string; avatar_url?: string }): Promise<ChatwootResult<CwContact>> {
    return map(await this.call<{ payload: CwContact }>('PUT', `/contacts/${contactId}`, fields), (r) => r.payload);
  }

  async contactConversations(contactId: number): Promise<ChatwootResult<CwConversation[]>> {
    return map(await this.call<{ payload: CwConversation[] }>('GET', `/contacts/${contactId}/conversations`), (r) => r.payload);
  }

  createConversation(fields: { inbox_id: number; contact_id: number; source_id: string; status?: 'open' | 'pending' }): Promise<ChatwootResult<CwConversation>> {
    return this.call<CwConversation>('POST', '/conversations', fields);
  }

  toggleStatus(conversationId: number, status: CwConversationStatus): Promise<ChatwootResult<unknown>> {
    return this.call('POST', `/conversations/${conversationId}/toggle_status`, { status });
  }

  async listMessages(conversationId: number): Promise<ChatwootResult<CwMessage[]>> {
    return map(await this.call<{ payload: CwMessage[] }>('GET', `/conversations/${conversationId}/messages`), (r) => r.payload);
  }

  createMessage(conversationId: number, message: NewMessage): Promise<ChatwootResult<CwMessage>> {
    return this.call<CwMessage>('POST', `/conversations/${conversationId}/messages`, message);
  }

  /** A message with one file, as multipart: Chatwoot stores the bytes it is given. */
  createMessageWithFile(conversationId: number, message: NewMessage, file: FileUpload): Promise<ChatwootResult<CwMessage>> {
    const form = new FormData();
    form.append('content', message.content);
    form.append('message_type', message.message_type);
    if (message.private !== undefined) form.append('private', String(message.private));
    if (message.source_id) form.append('source_id', message.source_id);
    if (message.content_attributes && Object.keys(message.content_attributes).length > 0) {
      form.append('content_attributes', JSON.stringify(message.content_attributes));
    }
    form.append('attachments[]', new Blob([file.bytes], { type: file.mimetype }), file.filename);
    return this.call<CwMessage>('POST', `/conversations/${conversationId}/messages`, form);
  }

  deleteMessage(conversationId: number, messageId: number): Promise<ChatwootResult<unknown>> {
    return this.call('DELETE', `/conversations/${conversationId}/messages/${messageId}`);
  }
}

function map<T, U>(result: ChatwootResult<T>, f: (value: T) => U): ChatwootResult<U> {
  return result.ok ? { ok: true, value: f(result.value) } : result;
}
