import { STATUS_CODES } from 'node:http';

/** An error with a status and the messages the client sees, in the contract's format. */
export class HttpError extends Error {
  readonly messages: string[];
  constructor(
    readonly status: number,
    messages: string | string[],
  ) {
    const list = Array.isArray(messages) ? messages : [messages];
    super(list.join('; '));
    this.name = 'HttpError';
    this.messages = list;
  }
}

export const badRequest = (messages: string | string[]) => new HttpError(400, messages);
export const unauthorized = () => new HttpError(401, 'Unauthorized');
export const forbidden = (messages: string | string[]) => new HttpError(403, messages);
export const notFound = (messages: string | string[]) => new HttpError(404, messages);

export const instanceNotFound = (name: string) => notFound(`The "${name}" instance does not exist`);

export interface ErrorBody {
  status: number;
  error: string;
  response: { message: string[] };
}

export function errorBody(status: number, messages: string[]): ErrorBody {
  return { status, error: STATUS_CODES[status] ?? 'Error', response: { message: messages } };
}
