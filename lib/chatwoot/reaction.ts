// A WhatsApp reaction as Chatwoot shows it: the emoji alone, replying to the
// message reacted to. A removed reaction (no emoji) shows nothing.

export interface Reaction {
  /** The emoji; '' when the reaction was taken back. */
  text: string;
  /** The WhatsApp id of the message reacted to. */
  targetId: string | null;
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

/** The reaction a message carries; null when it is not one. */
export function reactionOf(message: Json): Reaction | null {
  if (!('reactionMessage' in message)) return null;
  const reaction = obj(message.reactionMessage);
  const targetId = obj(reaction.key).id;
  return {
    text: typeof reaction.text === 'string' ? reaction.text : '',
    targetId: typeof targetId === 'string' && targetId !== '' ? targetId : null,
  };
}
