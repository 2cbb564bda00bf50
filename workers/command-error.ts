import type { RefusalCode } from '../lib/supervisor/protocol.js';

/** A command the worker refuses, with a code the HTTP layer maps to a status. */
export class CommandError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/**
 * The refusal a failed command is answered with. Baileys' errors (Boom, with
 * an output status) are WhatsApp's answer and their text says what happened;
 * anything else is a fault here, and its text stays in the log.
 */
export function refusalOf(error: unknown): { code: RefusalCode; message: string } {
  if (error instanceof CommandError) return { code: error.code, message: error.message };
  const boom = error as { isBoom?: boolean; message?: string; data?: unknown; output?: { statusCode?: number } };
  // An IQ WhatsApp answered with a 4xx error node (Baileys puts its code in `data`): the request was refused, not failed.
  if (boom?.isBoom && typeof boom.data === 'number' && boom.data >= 400 && boom.data < 500) {
    return { code: 'invalid', message: `WhatsApp refused the request: ${boom.data} ${boom.message ?? ''}`.trim() };
  }
  if (boom?.isBoom) return { code: 'whatsapp-error', message: `WhatsApp refused the request: ${boom.message ?? 'unknown error'}` };
  return { code: 'internal', message: 'Internal error in the instance worker' };
}
