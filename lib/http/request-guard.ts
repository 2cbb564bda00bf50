import type { Context, Next } from 'koa';
import { DomainError } from '../errors.js';
import { badRequest } from './errors.js';
import { jsonShapeProblem } from './json-shape.js';

// Checks on what the client sent, before authentication and the routes read
// it: a request that cannot be answered in full (a path that is not
// percent-encoded UTF-8, a NUL character the database refuses, a body nobody
// parsed) gets a 4xx naming the problem instead of failing deep inside.

const NUL = '\u0000';

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw badRequest('The path is not valid percent-encoded UTF-8');
  }
}

/** Path and query string: before authentication, which looks the path's instance up. */
export function guardPathAndQuery() {
  return async function guardPath(ctx: Context, next: Next): Promise<void> {
    if (decodedPath(ctx.path).includes(NUL)) throw badRequest('The path must not contain the NUL character (%00)');
    for (const [name, value] of Object.entries(ctx.query)) {
      const values = Array.isArray(value) ? value : [value ?? ''];
      if (name.includes(NUL) || values.some((v) => v.includes(NUL))) {
        throw badRequest(`Query parameter ${name.replaceAll(NUL, '\\u0000')} must not contain the NUL character (%00)`);
      }
    }
    await next();
  };
}

function sentBody(ctx: Context): boolean {
  return ctx.get('transfer-encoding') !== '' || (ctx.request.length ?? 0) > 0;
}

/**
 * After the body parser. A body sent in a type nothing parsed is refused (415)
 * rather than read as empty; multipart is left to routes that parse it
 * themselves. A parsed body is held to the JSON shape rules.
 */
export function guardBody(parsedMethods: readonly string[]) {
  return async function guardParsedBody(ctx: Context, next: Next): Promise<void> {
    const body: unknown = ctx.request.body;
    if (body === undefined) {
      if (parsedMethods.includes(ctx.method) && sentBody(ctx) && !ctx.is('multipart')) {
        const type = ctx.get('content-type');
        throw new DomainError(
          'unsupported-type',
          type
            ? `Content-Type ${type} is not supported: send the body as application/json`
            : 'The body has no Content-Type: send it as application/json',
        );
      }
    } else {
      const problem = jsonShapeProblem(body);
      if (problem) throw badRequest(problem);
    }
    await next();
  };
}

/** Status of an error thrown while reading a body: the parser's own when it has one. */
function parserStatus(error: Error): number | undefined {
  const e = error as { status?: unknown; statusCode?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  return status !== undefined && status >= 400 && status < 500 ? status : undefined;
}

/**
 * For the body parser's onError: every failure to read or parse a body is the
 * client's (cut short, badly compressed, not JSON, too large), never a 500.
 */
export function bodyReadFailed(error: Error): never {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    throw badRequest(`The body could not be decompressed: ${error.message}`);
  }
  const status = parserStatus(error) ?? 400;
  if (status === 413) {
    const limit = (error as { limit?: unknown }).limit;
    throw new DomainError('too-large', typeof limit === 'number' ? `The body is larger than the limit of ${limit} bytes` : 'The body is too large');
  }
  if (status === 400 && (error instanceof SyntaxError || (error as { type?: unknown }).type === 'entity.parse.failed')) {
    throw badRequest(`Invalid JSON body: ${error.message}`);
  }
  if (status === 415) throw new DomainError('unsupported-type', error.message);
  throw badRequest(`The body could not be read: ${error.message}`);
}
