/**
 * A command the worker refuses, with a code the HTTP layer maps to a status:
 * not-connected, connection-failed, qr-limit, logged-out, replaced, invalid.
 */
export class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}
