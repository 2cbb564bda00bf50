import { STATUS_CODES } from 'node:http';
import { DomainError } from '../errors.js';

export const badRequest = (messages: string | string[]) => new DomainError('invalid', messages);
export const unauthorized = () => new DomainError('unauthorized', 'Unauthorized');
export const forbidden = (messages: string | string[]) => new DomainError('forbidden', messages);
export const notFound = (messages: string | string[]) => new DomainError('not-found', messages);

/** The name as the client gave it, cut short: a path can be far longer than any name. */
export const instanceNotFound = (name: string) =>
  notFound(`The "${name.length > 100 ? `${name.slice(0, 100)}…` : name}" instance does not exist`);

export interface ErrorBody {
  status: number;
  error: string;
  response: { message: string[] };
}

export function errorBody(status: number, messages: string[]): ErrorBody {
  return { status, error: STATUS_CODES[status] ?? 'Error', response: { message: messages } };
}
