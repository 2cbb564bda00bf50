// A WhatsApp edit as Evolution writes it in Chatwoot: a new message under an
// "Edited Message" label, replying to the original. Only text edits are shown.
import { whatsappToMarkdown } from './markdown.js';

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

/** The new text of an edited message: its `conversation` or `extendedTextMessage.text`; null for other edits. */
export function editedText(message: unknown): string | null {
  const content = obj(message);
  const text = typeof content.conversation === 'string' && content.conversation ? content.conversation : obj(content.extendedTextMessage).text;
  return typeof text === 'string' && text !== '' ? text : null;
}

/** The Chatwoot message content for an edit. */
export function editedContent(text: string): string {
  return `\n\n\`Edited Message:\`\n\n${whatsappToMarkdown(text)}`;
}

/**
 * The key an edit's Chatwoot message is remembered under: one per edit of a
 * message (WhatsApp sends each edit with its own time), never a WhatsApp id.
 */
export function editLinkId(whatsappId: string, editedAtSeconds: number): string {
  return `edit:${whatsappId}:${editedAtSeconds}`;
}
