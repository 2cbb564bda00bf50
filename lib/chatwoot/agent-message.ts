// What a Chatwoot webhook asks of the gateway: an agent's message to send to
// WhatsApp, a deleted message to revoke, a command typed to the bot contact,
// or nothing (private notes, incoming messages, echoes of our own messages).
import { markdownToWhatsapp } from './markdown-to-whatsapp.js';
import { signed, type SignatureConfig } from './signature.js';
import { whatsappIdOf } from './source-id.js';

/** Evolution's bot contact: the conversation where the instance is driven by commands. */
export const BOT_CONTACT_NUMBER = '123456';

export type AttachmentKind = 'image' | 'video' | 'audio' | 'file';
export interface AgentAttachment { url: string; kind: AttachmentKind }

/** What to send for one Chatwoot message; stored as JSON until it is sent. */
export interface AgentSend {
  /** Phone digits or a JID. */
  chat: string;
  /** Signed and in WhatsApp's formatting; '' for files without a caption. */
  text: string;
  attachments: AgentAttachment[];
  /** The Chatwoot message this one answers. */
  inReplyTo: number | null;
}

export type AgentAction =
  | { kind: 'ignore'; reason: string }
  | { kind: 'send'; messageId: number; conversationId: number; send: AgentSend }
  | { kind: 'delete'; messageId: number }
  | { kind: 'command'; conversationId: number; command: string; inboxName: string };

type Json = Record<string, unknown>;

const object = (value: unknown): Json => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const integer = (value: unknown): number | null => {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : null;
};

const ignore = (reason: string): AgentAction => ({ kind: 'ignore', reason });

/** The contact's WhatsApp address: its identifier (a JID), else its phone number, else the link's source id when it is one. */
export function chatOf(conversation: Json): string | null {
  const sender = object(object(conversation.meta).sender);
  const identifier = text(sender.identifier);
  if (identifier) return identifier;
  const phone = text(sender.phone_number);
  if (phone) return phone.replace(/^\+/, '');
  const sourceId = text(object(conversation.contact_inbox).source_id);
  return sourceId && /^(\d+|[^@\s]+@(s\.whatsapp\.net|g\.us|lid))$/.test(sourceId) ? sourceId : null;
}

/** The agent's name as Chatwoot shows it. */
function agentName(body: Json): string | null {
  const sender = object(body.sender);
  const messages = object(body.conversation).messages;
  const first = object(Array.isArray(messages) ? messages[0] : null);
  return text(sender.available_name) ?? text(object(first.sender).available_name) ?? text(sender.name);
}

function attachmentsOf(body: Json): AgentAttachment[] {
  const list = Array.isArray(body.attachments) ? body.attachments : [];
  return list.flatMap((item) => {
    const attachment = object(item);
    const url = text(attachment.data_url);
    if (!url) return [];
    const type = attachment.file_type;
    const kind: AttachmentKind = type === 'image' || type === 'video' || type === 'audio' ? type : 'file';
    return [{ url, kind }];
  });
}

export function agentAction(payload: unknown, signature: SignatureConfig): AgentAction {
  const body = object(payload);
  const event = body.event;
  const id = integer(body.id);
  const attributes = object(body.content_attributes);
  if (event === 'message_updated') {
    return attributes.deleted === true && id !== null ? { kind: 'delete', messageId: id } : ignore('an update');
  }
  if (event !== 'message_created') return ignore(`event ${String(event)}`);
  if (body.private === true) return ignore('a private note');
  if (body.message_type !== 'outgoing') return ignore(`a ${String(body.message_type)} message`);
  // Made by the sink from a WhatsApp message: it came from WhatsApp.
  if (whatsappIdOf(text(body.source_id))) return ignore('a message from WhatsApp');
  const conversation = object(body.conversation);
  const conversationId = integer(conversation.id);
  if (id === null || conversationId === null) return ignore('no message or conversation id');
  const chat = chatOf(conversation);
  if (!chat) return ignore('no contact address');
  const content = text(body.content) ?? '';
  if (chat === BOT_CONTACT_NUMBER) {
    return { kind: 'command', conversationId, command: content.replace('/', '').trim(), inboxName: text(object(body.inbox).name) ?? '' };
  }
  const attachments = attachmentsOf(body);
  if (!content && attachments.length === 0) return ignore('nothing to send');
  return {
    kind: 'send',
    messageId: id,
    conversationId,
    send: {
      chat,
      text: signed(markdownToWhatsapp(content), agentName(body), signature),
      attachments,
      inReplyTo: integer(attributes.in_reply_to),
    },
  };
}
