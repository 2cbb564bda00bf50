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
  const boom = error as { isBoom?: boolean; message?: string; output?: { statusCode?: number } };
  if (boom?.isBoom) return { code: 'whatsapp-error', message: `WhatsApp refused the request: ${boom.message ?? 'unknown error'}` };
  return { code: 'internal', message: 'Internal error in the instance worker' };
}
