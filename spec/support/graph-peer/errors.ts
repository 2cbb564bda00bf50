// Graph API error bodies, as the Cloud API error-code reference shapes them:
// {error: {message, type, code, error_subcode?, error_data?: {messaging_product, details}, fbtrace_id}}.
// Statuses are the reference's "HTTP Status Code" column: throttling codes answer 400 too,
// which is why clients are told to act on `code`, never on the status.
import { randomBytes } from 'node:crypto';

export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    is_transient?: boolean;
    fbtrace_id: string;
  };
}
export interface GraphReply { status: number; body: unknown; headers?: Record<string, string> }

const traceId = () => randomBytes(8).toString('base64url').slice(0, 11);

interface ErrorShape { status: number; code: number; message: string; subcode?: number; details?: string; transient?: boolean }

function graphError({ status, code, message, subcode, details, transient }: ErrorShape): GraphReply {
  const error: GraphErrorBody['error'] = {
    message,
    type: 'OAuthException',
    code,
    ...(subcode !== undefined ? { error_subcode: subcode } : {}),
    ...(details !== undefined ? { error_data: { messaging_product: 'whatsapp' as const, details } } : {}),
    ...(transient !== undefined ? { is_transient: transient } : {}),
    fbtrace_id: traceId(),
  };
  return { status, body: { error } };
}

export const invalidToken = () =>
  graphError({ status: 401, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });

/** (#100): a parameter Graph does not know or cannot take. */
export const invalidParameter = (message: string, details?: string) =>
  graphError({ status: 400, code: 100, message: `(#100) ${message}`, details });

/** An id that is not an object the token may see (Graph's subcode 33). */
export const unknownObject = (id: string, method: string) =>
  graphError({
    status: 400,
    code: 100,
    subcode: 33,
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  });

export const unknownPath = (path: string) =>
  graphError({ status: 400, code: 2500, message: `Unknown path components: ${path}` });

/** Graph's own check of a required parameter; `sentence` is "The parameter x is required." */
export const parameterRequired = (sentence: string) => graphError({ status: 400, code: 100, message: `(#100) ${sentence}` });

/**
 * A body that breaks the API document, as Graph answers it: a missing parameter is
 * "(#100) The parameter text['body'] is required.", a parameter of the wrong type or
 * one that does not exist is "(#100) Invalid parameter" with the details, a value out
 * of its limits is 131009 (observed answers: "Invalid buttons count. Min allowed
 * buttons: 1, Max allowed buttons: 3" and malformed phone numbers come as 131009).
 */
export function refusal(found: { kind: 'missing' | 'unexpected' | 'invalid'; details: string }): GraphReply {
  if (found.kind === 'missing') return parameterRequired(found.details);
  if (found.kind === 'unexpected') return invalidParameter('Invalid parameter', found.details);
  return invalidValue(found.details);
}

/** 131008: the Cloud API's own check of a parameter a template needs. */
export const missingParameter = (details: string) =>
  graphError({ status: 400, code: 131008, message: '(#131008) Required parameter is missing', details });

export const invalidValue = (details: string) =>
  graphError({ status: 400, code: 131009, message: '(#131009) Parameter value is not valid', details });

export const templateMissing = (details: string) =>
  graphError({ status: 404, code: 132001, message: '(#132001) Template name does not exist in the translation', details });

export const templateParameterCount = (details: string) =>
  graphError({ status: 400, code: 132000, message: '(#132000) Number of parameters does not match the expected number of params', details });

export const templateFormatMismatch = (details: string) =>
  graphError({ status: 400, code: 132012, message: '(#132012) Parameter format does not match format in the created template', details });

export const mediaUploadError = (details: string) =>
  graphError({ status: 400, code: 131053, message: '(#131053) Media upload error', details });

export const templateExists = (name: string, language: string) =>
  graphError({
    status: 400,
    code: 100,
    subcode: 2388024,
    message: 'Invalid parameter',
    details: `Message template "${name}" already has content in ${language}.`,
  });

export type RateLimitKind = 'throughput' | 'pair' | 'application';

export function rateLimited(kind: RateLimitKind): GraphReply {
  switch (kind) {
    case 'throughput':
      return graphError({ status: 400, code: 130429, message: '(#130429) Rate limit hit', details: 'Cloud API message throughput has been reached.', transient: true });
    case 'pair':
      return graphError({ status: 400, code: 131056, message: '(#131056) (Business Account, Consumer Account) pair rate limit hit', details: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.', transient: true });
    case 'application':
      return graphError({ status: 400, code: 4, message: '(#4) Application request limit reached', transient: true });
  }
}
