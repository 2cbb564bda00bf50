// A Chatwoot message made from a WhatsApp message carries its id, so that a
// retry finds the message it already made instead of making a second one.

const PREFIX = 'WAID:';

export const sourceIdOf = (whatsappId: string) => `${PREFIX}${whatsappId}`;

/** The WhatsApp id behind a Chatwoot source_id, or null for messages made in Chatwoot. */
export function whatsappIdOf(sourceId: string | null | undefined): string | null {
  return sourceId && sourceId.startsWith(PREFIX) && sourceId.length > PREFIX.length ? sourceId.slice(PREFIX.length) : null;
}
