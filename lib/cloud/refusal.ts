// Meta's refusals as the API answers them: a 400 quoting Meta's code and
// message (Evolution answers Graph errors with 400 too, throttling included),
// and a 503 when Graph did not answer at all. The access token never appears:
// GraphClient's messages carry no query, and only Meta's own words are quoted.
import { DomainError } from '../errors.js';
import type { GraphResult, MetaError } from './graph-client.js';

export type GraphFailure = Extract<GraphResult<unknown>, { ok: false }>;

/** Meta's code of an access token that is invalid, expired or revoked. */
export const TOKEN_REFUSED = 190;

export function isTokenRefused(failure: GraphFailure): boolean {
  return failure.error?.code === TOKEN_REFUSED;
}

/** `(#131009) Parameter value is not valid: <details>`, the code always in front. */
export function describeMetaError(error: MetaError): string {
  const message = error.message.replace(/^\(#\d+\)\s*/, '');
  const details = error.error_data?.details ?? error.error_user_msg;
  return `(#${error.code}) ${message}${details ? `: ${details}` : ''}`;
}

/** What a failed Graph call becomes at the API. */
export function graphRefusal(failure: GraphFailure, action: string): DomainError {
  if (failure.error) return new DomainError('invalid', `Meta refused to ${action}: ${describeMetaError(failure.error)}`);
  if (failure.status === null) return new DomainError('unavailable', `The Graph API could not be reached to ${action}`);
  return new DomainError('whatsapp-error', `The Graph API answered ${failure.status} to ${action}`);
}
