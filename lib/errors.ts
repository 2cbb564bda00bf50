// Errors of the gateway's own rules, independent of HTTP. The HTTP layer maps
// each kind to a status (lib/http/error-middleware.ts).
export type DomainErrorKind =
  | 'invalid' // the request breaks a rule: 400
  | 'conflict' // a name or token is taken: 403, as Evolution answers
  | 'not-found' // 404
  | 'not-connected' // the instance has no open WhatsApp connection: 400
  | 'unavailable'; // a dependency did not answer in time: 503

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (message: string) => new DomainError('invalid', message);
export const conflict = (message: string) => new DomainError('conflict', message);
export const notFound = (message: string) => new DomainError('not-found', message);
export const notConnected = (name: string) =>
  new DomainError('not-connected', `The "${name}" instance is not connected`);
