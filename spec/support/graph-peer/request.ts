// One request as the peer's handlers see it, and the small functions they share.
import type http from 'node:http';
import type { GraphReply } from './errors.js';

export type Json = Record<string, unknown>;
export interface Incoming { method: string; url: URL; headers: http.IncomingHttpHeaders; raw: Buffer }

export const ok = (body: unknown): GraphReply => ({ status: 200, body });
export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The JSON body, or undefined when it is not JSON. */
export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** A bearer token from the Authorization header, as lookaside and Graph take it. */
export const bearerOf = (request: Incoming) => {
  const header = request.headers.authorization;
  return typeof header === 'string' ? (header.match(/^(?:Bearer|OAuth)\s+(\S+)$/i)?.[1] ?? null) : null;
};
