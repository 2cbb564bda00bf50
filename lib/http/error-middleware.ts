import { STATUS_CODES } from 'node:http';
import type { Context, Next } from 'koa';
import { DomainError, type ErrorKind } from '../errors.js';
import type { Logger } from '../logger.js';
import { errorBody } from './errors.js';

/** The HTTP status of every kind of error; the compiler checks that none is missing. */
const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  conflict: 403, // as Evolution answers a taken name
  'not-found': 404,
  'too-large': 413,
  'unsupported-type': 415,
  unavailable: 503,
  'not-connected': 400,
  'not-on-whatsapp': 400,
  'qr-limit': 400,
  'logged-out': 400,
  replaced: 409,
  'connection-failed': 503,
  'whatsapp-error': 502,
  internal: 500,
};

/** Status and messages for anything a route may throw; unknown errors are a bare 500. */
function classify(error: unknown): { status: number; messages: string[] } {
  if (error instanceof DomainError) {
    const status = STATUS_OF[error.kind];
    // A fault's own text stays in the log.
    return { status, messages: status === 500 ? ['Internal server error'] : error.messages };
  }
  // A library's client error that reached us unconverted: its status holds, its text is not ours to show.
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) return { status, messages: [STATUS_CODES[status] ?? 'Bad request'] };
  return { status: 500, messages: ['Internal server error'] };
}

/** Every non-2xx leaves in the contract's shape, never with a stack trace. */
export function errorMiddleware(logger: Logger) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      // Unmatched routes (404) and wrong methods (405) end without a body.
      if (ctx.status >= 400 && ctx.body == null) {
        const status = ctx.status;
        ctx.status = status;
        ctx.body = errorBody(status, [`Cannot ${ctx.method} ${ctx.path}`]);
      }
    } catch (error) {
      const { status, messages } = classify(error);
      const instance = (ctx.params as Record<string, string> | undefined)?.instanceName;
      if (status >= 500) logger.error({ err: error, instance, method: ctx.method, path: ctx.path }, 'request failed');
      ctx.status = status;
      ctx.body = errorBody(status, messages);
    }
  };
}
