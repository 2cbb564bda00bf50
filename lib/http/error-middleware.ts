import type { Context, Next } from 'koa';
import { TimeoutError } from '../actor/actor.js';
import { DomainError, type DomainErrorKind } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RefusalCode } from '../supervisor/protocol.js';
import { InstanceNotRunningError, ShuttingDownError } from '../supervisor/supervisor.js';
import { WorkerCommandError, WorkerGoneError } from '../supervisor/worker-handle.js';
import { errorBody, HttpError } from './errors.js';

const STATUS_OF: Record<DomainErrorKind, number> = {
  invalid: 400,
  conflict: 403,
  'not-found': 404,
  'not-connected': 400,
  unavailable: 503,
};

/** Statuses for the codes a worker gives the commands it refuses (lib/supervisor/protocol.ts). */
const REFUSAL_STATUS: Record<RefusalCode, number> = {
  invalid: 400,
  'not-connected': 400,
  'not-on-whatsapp': 400,
  'not-found': 404,
  'connection-failed': 503,
  'qr-limit': 400,
  'logged-out': 400,
  replaced: 409,
  'whatsapp-error': 502,
  internal: 500,
};

/** Status and messages for anything a route may throw; unknown errors are a bare 500. */
function classify(error: unknown): { status: number; messages: string[]; expected: boolean } {
  if (error instanceof HttpError) return { status: error.status, messages: error.messages, expected: true };
  if (error instanceof DomainError) return { status: STATUS_OF[error.kind], messages: [error.message], expected: true };
  if (error instanceof InstanceNotRunningError) {
    return { status: 400, messages: [`The "${error.instance}" instance is not connected`], expected: true };
  }
  if (error instanceof WorkerCommandError) {
    const status = REFUSAL_STATUS[error.code];
    return { status, messages: [error.message], expected: status < 500 };
  }
  if (error instanceof ShuttingDownError) return { status: 503, messages: [error.message], expected: true };
  if (error instanceof TimeoutError || error instanceof WorkerGoneError) {
    return { status: 503, messages: [error.message], expected: false };
  }
  // Errors raised by the body parser carry their own status (400 bad JSON, 413 too large, 415).
  const e = error as { status?: number; statusCode?: number; expose?: boolean; message?: string };
  const status = e.status ?? e.statusCode;
  if (status && status >= 400 && status < 500) {
    const message = status === 400 ? `Invalid JSON body: ${e.message ?? 'malformed'}` : (e.message ?? 'Bad request');
    return { status, messages: [message], expected: true };
  }
  return { status: 500, messages: ['Internal server error'], expected: false };
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
      const { status, messages, expected } = classify(error);
      const instance = (ctx.params as Record<string, string> | undefined)?.instanceName;
      if (!expected) logger.error({ err: error, instance, method: ctx.method, path: ctx.path }, 'request failed');
      ctx.status = status;
      ctx.body = errorBody(status, messages);
    }
  };
}
