import { createHash, timingSafeEqual } from 'node:crypto';
import type { Next, ParameterizedContext } from 'koa';
import type { Instance, InstanceRepository } from '../db/instances.js';
import { instanceNotFound, unauthorized } from './errors.js';

/** Who is calling: the holder of the global key, or of one instance's token. */
export type Caller = { kind: 'global' } | { kind: 'instance'; instance: Instance };

/** What middlewares leave for the route handler. */
export interface RequestState {
  caller?: Caller;
  /** The instance named in the path, loaded once by the auth step. */
  instance?: Instance;
}

export type AppContext = ParameterizedContext<RequestState> & { params: Record<string, string> };

/**
 * Compares two secrets in time independent of where they differ and of their
 * lengths: both sides are hashed to 32 bytes first.
 */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function apiKeyOf(ctx: AppContext): string | undefined {
  const header = ctx.get('apikey');
  return header === '' ? undefined : header;
}

/** Which key a route asks for: the global key, the global key or the named instance's token, or any key. */
export type Access = 'global' | 'instance' | 'any';

const accessOfMiddleware = new WeakMap<object, Access>();

/** The key an auth middleware asks for, or undefined for any other middleware (the API description reads it). */
export function accessOf(middleware: unknown): Access | undefined {
  return typeof middleware === 'function' ? accessOfMiddleware.get(middleware) : undefined;
}

export function createAuth(globalKey: string, instances: InstanceRepository) {
  const isGlobal = (key: string) => safeEqual(key, globalKey);

  /** Only the global key: creating instances. */
  async function globalOnly(ctx: AppContext, next: Next): Promise<void> {
    const key = apiKeyOf(ctx);
    if (!key || !isGlobal(key)) throw unauthorized();
    ctx.state.caller = { kind: 'global' };
    await next();
  }

  /** The global key, or the token of the instance named in the path. Loads that instance. */
  async function instanceAccess(ctx: AppContext, next: Next): Promise<void> {
    const key = apiKeyOf(ctx);
    if (!key) throw unauthorized();
    const name = ctx.params.instanceName;
    const instance = await instances.findByName(name);
    if (isGlobal(key)) {
      if (!instance) throw instanceNotFound(name);
      ctx.state.caller = { kind: 'global' };
    } else {
      // A token never learns whether another instance exists: unknown or not
      // its own, the answer is the same 401.
      if (!instance || !safeEqual(key, instance.token)) throw unauthorized();
      ctx.state.caller = { kind: 'instance', instance };
    }
    ctx.state.instance = instance;
    await next();
  }

  /** The global key, or any instance token (the route then limits itself to that instance). */
  async function anyKey(ctx: AppContext, next: Next): Promise<void> {
    const key = apiKeyOf(ctx);
    if (!key) throw unauthorized();
    if (isGlobal(key)) {
      ctx.state.caller = { kind: 'global' };
    } else {
      const instance = await instances.findByToken(key);
      if (!instance || !safeEqual(key, instance.token)) throw unauthorized();
      ctx.state.caller = { kind: 'instance', instance };
    }
    await next();
  }

  accessOfMiddleware.set(globalOnly, 'global');
  accessOfMiddleware.set(instanceAccess, 'instance');
  accessOfMiddleware.set(anyKey, 'any');
  return { globalOnly, instanceAccess, anyKey };
}

export type Auth = ReturnType<typeof createAuth>;

/** The instance loaded by `instanceAccess`; routes behind it can rely on it. */
export function instanceOf(ctx: AppContext): Instance {
  const instance = ctx.state.instance;
  if (!instance) throw new Error('route declared without instanceAccess');
  return instance;
}
