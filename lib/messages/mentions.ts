import { normalizeJid } from './jid.js';

export interface MentionInput {
  /** The jid the message goes to. */
  chat: string;
  mentioned?: string[];
  /** mentionsEveryOne (or Evolution's everyOne). */
  everyOne?: boolean;
  /** The group's participant jids, when the chat is a group and everyone is mentioned. */
  participants?: string[];
}

/**
 * The jids a message mentions (its contextInfo.mentionedJid). Mentioning
 * everyone names every participant of a group, as Evolution does; in a chat
 * with one person it adds nothing. Otherwise the numbers given, as jids, once
 * each; a group cannot be mentioned and is dropped.
 */
export function mentionList(input: MentionInput): string[] | undefined {
  const everyone = input.everyOne && input.chat.endsWith('@g.us') ? (input.participants ?? []) : [];
  const named = (input.mentioned ?? []).map(normalizeJid).filter((jid) => !jid.endsWith('@g.us'));
  const jids = [...new Set([...everyone, ...named])];
  return jids.length > 0 ? jids : undefined;
}
