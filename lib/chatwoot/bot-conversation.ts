// The bot contact's conversation: what the gateway says there reads as the
// bot's words (incoming messages), so the webhook never sends it to WhatsApp.
import type { ChatwootClient, ChatwootResult, CwMessage } from './client.js';

export interface BotPost {
  content: string;
  /** A PNG, e.g. a QR code. */
  image?: { bytes: Uint8Array; filename: string };
}

export function postToBotConversation(client: ChatwootClient, conversationId: number, post: BotPost): Promise<ChatwootResult<CwMessage>> {
  const message = { content: post.content, message_type: 'incoming' as const };
  if (!post.image) return client.createMessage(conversationId, message);
  return client.createMessageWithFile(conversationId, message, { bytes: post.image.bytes, filename: post.image.filename, mimetype: 'image/png' });
}

/** The bytes of a `data:image/png;base64,…` URL. */
export function pngOfDataUrl(dataUrl: string): Uint8Array {
  return new Uint8Array(Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
}
