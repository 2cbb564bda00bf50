// The WhatsApp messages one Chatwoot message becomes: its text, or one message
// per file with the text as the first caption (voice notes carry none, so a
// text with only audio goes as a message of its own, after it).
import type { AgentAttachment, AgentSend } from './agent-message.js';

export type AgentPart =
  | { kind: 'text'; text: string }
  | { kind: 'file'; attachment: AgentAttachment; caption: string };

export function partsOf(send: AgentSend): AgentPart[] {
  if (send.attachments.length === 0) return [{ kind: 'text', text: send.text }];
  const captioned = send.text ? send.attachments.findIndex((a) => a.kind !== 'audio') : -1;
  const files: AgentPart[] = send.attachments.map((attachment, index) => ({ kind: 'file', attachment, caption: index === captioned ? send.text : '' }));
  return send.text && captioned === -1 ? [...files, { kind: 'text', text: send.text }] : files;
}
