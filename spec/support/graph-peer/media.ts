// Media: uploads (POST /{phone-number-id}/media), their description (GET /{media-id})
// and the lookaside URL that serves the bytes to a token holder for five minutes.
import { randomBytes } from 'node:crypto';
import { invalidParameter, mediaUploadError, parameterRequired, type GraphReply } from './errors.js';
import { bearerOf, ok, type Incoming, type Json } from './request.js';
import type { GraphState, Media, PhoneNumber } from './state.js';

// Cloud API reference, "Supported media types": MIME types and their size limits.
const MB = 1024 * 1024;
const UPLOAD_LIMITS: Record<string, number> = {
  'audio/aac': 16 * MB, 'audio/amr': 16 * MB, 'audio/mpeg': 16 * MB, 'audio/mp4': 16 * MB, 'audio/ogg': 16 * MB,
  'image/jpeg': 5 * MB, 'image/png': 5 * MB, 'image/webp': 5 * MB,
  'video/mp4': 16 * MB, 'video/3gpp': 16 * MB,
  'text/plain': 100 * MB, 'application/pdf': 100 * MB, 'application/msword': 100 * MB, 'application/vnd.ms-excel': 100 * MB,
  'application/vnd.ms-powerpoint': 100 * MB,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 100 * MB,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 100 * MB,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 100 * MB,
};
// Media URLs are good for five minutes (Cloud API reference, "Retrieve media URL").
const MEDIA_URL_TTL_S = 300;
export const LOOKASIDE_PATH = '/lookaside/whatsapp_business/attachments/';

export async function uploadMedia(state: GraphState, phone: PhoneNumber, request: Incoming): Promise<GraphReply> {
  const contentType = request.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) return invalidParameter('Invalid parameter', 'Media is uploaded as multipart/form-data.');
  let form: FormData;
  try {
    form = await new Response(request.raw, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return invalidParameter('Invalid parameter', 'The multipart body could not be read.');
  }
  const product = form.get('messaging_product');
  if (product === null) return parameterRequired('The parameter messaging_product is required.');
  if (product !== 'whatsapp') return invalidParameter(`Param messaging_product must be one of {WHATSAPP} - got "${String(product)}".`);
  const file = form.get('file');
  if (file === null || typeof file === 'string') return parameterRequired('The parameter file is required.');
  const type = form.get('type');
  if (typeof type !== 'string' || type === '') return parameterRequired('The parameter type is required.');
  const limit = UPLOAD_LIMITS[type];
  if (limit === undefined) return mediaUploadError(`Param file must be a file with one of the following types: ${Object.keys(UPLOAD_LIMITS).join(', ')}. Received file of type '${type}'.`);
  const bytes = Buffer.from(await file.arrayBuffer());
  if (bytes.length === 0) return mediaUploadError('The uploaded file is empty.');
  if (bytes.length > limit) return mediaUploadError(`The file is ${bytes.length} bytes; ${type} may be at most ${limit}.`);
  const media = state.storeMedia(phone.id, bytes, type, file.name || undefined);
  return ok({ id: media.id });
}

/**
 * GET /{media-id}: a fresh lookaside URL with the file's type, hex SHA-256 and size (a
 * number here; the document's example quotes it, so clients had better take both).
 */
export function mediaView(media: Media, baseUrl: string): Json {
  const url = new URL(LOOKASIDE_PATH, baseUrl);
  url.searchParams.set('mid', media.id);
  url.searchParams.set('ext', String(Math.floor(Date.now() / 1000) + MEDIA_URL_TTL_S));
  url.searchParams.set('hash', randomBytes(12).toString('base64url'));
  return { messaging_product: 'whatsapp', url: url.toString(), mime_type: media.mimeType, sha256: media.sha256, file_size: media.bytes.length, id: media.id };
}

/** lookaside.fbsbx.com: the bytes, only with a valid bearer token, until the URL expires. */
export function downloadMedia(state: GraphState, request: Incoming): GraphReply {
  const token = bearerOf(request);
  if (!token || !state.tokens.has(token)) return { status: 401, body: 'Unauthorized' };
  const media = state.media.get(request.url.searchParams.get('mid') ?? '');
  const expires = Number(request.url.searchParams.get('ext'));
  if (!media || !(expires * 1000 > Date.now())) return { status: 404, body: 'Not Found' };
  return { status: 200, body: media.bytes, headers: { 'content-type': media.mimeType, 'content-length': String(media.bytes.length) } };
}
