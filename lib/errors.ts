// Errors that carry their meaning: each has a kind, and the HTTP layer maps
// kinds to statuses in one table (lib/http/error-middleware.ts). Nothing here
// knows about HTTP.
import type { RefusalCode } from './supervisor/protocol.js';

export type ErrorKind =
  | 'invalid' // the request breaks a rule
  | 'unauthorized' // no key, or a wrong one
  | 'forbidden' // a key that may not do this
  | 'conflict' // a name or token is taken
  | 'not-found'
  | 'too-large' // a body or file over its limit
  | 'unsupported-type' // a body in a content type no route reads
  | 'unavailable' // a dependency did not answer in time, or the gateway is stopping
  | RefusalCode; // what an instance's worker answers a command with

export class DomainError extends Error {
  /** What the caller is told; the first one is also the error's message. */
  readonly messages: string[];

  constructor(
    readonly kind: ErrorKind,
    messages: string | string[],
  ) {
    const list = Array.isArray(messages) ? messages : [messages];
    super(list.join('; '));
    this.name = 'DomainError';
    this.messages = list;
  }
}

export const invalid = (messages: string | string[]) => new DomainError('invalid', messages);
export const conflict = (message: string) => new DomainError('conflict', message);
export const notFound = (message: string) => new DomainError('not-found', message);
export const notConnected = (name: string) =>
  new DomainError('not-connected', `The "${name}" instance is not connected`);
