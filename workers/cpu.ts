// Piscina task module: CPU-bound and bulky work kept off every event loop that
// serves requests or drives a WhatsApp socket. One exported function per task.
import QRCode from 'qrcode';
import { fileNameOfUrl, isHttpUrl } from '../lib/media/linked-media.js';
import { sniffMimetype } from '../lib/media/sniff.js';

export async function qrDataUrl(text: string): Promise<string> {
  return QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, scale: 6 });
}

export interface MediaSource {
  /** An http(s) URL, a data: URL, or bare base64. */
  media: string;
  mimetype?: string;
  fileName?: string;
  maxBytes: number;
  timeoutMs: number;
}

export type PreparedMedia =
  | { ok: true; data: Uint8Array; mimetype: string; fileName: string }
  | { ok: false; error: string };

/** Why media could not be read, in words written here: the client sees them. */
class MediaError extends Error {}

/** A fetch failure in our words: the library's own text (sockets, DNS, aborts) stays out of the answer. */
function downloadFailure(url: string, error: unknown, timeoutMs: number): MediaError {
  if (error instanceof MediaError) return error;
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return new MediaError(`${url} did not answer within ${timeoutMs} ms`);
  return new MediaError(`${url} could not be downloaded`);
}

async function download(url: string, maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    if (!response.ok) throw new MediaError(`GET ${url} answered ${response.status}`);
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > maxBytes) throw new MediaError(`${url} is larger than ${maxBytes} bytes`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > maxBytes) throw new MediaError(`${url} is larger than ${maxBytes} bytes`);
    return bytes;
  } catch (error) {
    throw downloadFailure(url, error, timeoutMs);
  }
}

function decodeBase64(text: string): Uint8Array {
  const payload = text.startsWith('data:') ? text.slice(text.indexOf(',') + 1) : text;
  const clean = payload.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean) || clean.length === 0) throw new MediaError('media is neither a URL nor base64');
  return new Uint8Array(Buffer.from(clean, 'base64'));
}

/** Fetches or decodes media, and fills in its type and name when the client did not. */
export async function prepareMedia(source: MediaSource): Promise<PreparedMedia> {
  try {
    const isUrl = isHttpUrl(source.media);
    const data = isUrl ? await download(source.media, source.maxBytes, source.timeoutMs) : decodeBase64(source.media);
    if (data.length > source.maxBytes) throw new MediaError(`media is larger than ${source.maxBytes} bytes`);
    const sniffed = sniffMimetype(data);
    const declaredType = source.media.startsWith('data:') ? source.media.slice(5, source.media.indexOf(';')) : undefined;
    const mimetype = source.mimetype || declaredType || sniffed.mimetype;
    const urlName = isUrl ? fileNameOfUrl(source.media) : '';
    const fileName = source.fileName || urlName || `file.${sniffed.extension}`;
    return { ok: true, data, mimetype, fileName };
  } catch (error) {
    return { ok: false, error: error instanceof MediaError ? error.message : 'its content could not be decoded' };
  }
}
