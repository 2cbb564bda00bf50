import type { WAUrlInfo } from '@whiskeysockets/baileys';
import { firstUrl, pagePreview } from '../lib/messages/link-preview.js';
import type { Logger } from '../lib/logger.js';

/** As long as WhatsApp Web waits for a preview: a slow page sends the text without one. */
const FETCH_TIMEOUT_MS = 3_000;
/** The head of a page is all a preview needs. */
const MAX_HTML_BYTES = 512 * 1024;

async function readHead(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_HTML_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, MAX_HTML_BYTES).toString('utf8');
}

/**
 * The preview of the first link in a text, built here rather than by the
 * WhatsApp library (which needs an optional package and previews https links
 * only). Null when the text has no link or its page gives no title: the text
 * then goes without a preview, as it would on a phone.
 */
export async function linkPreviewFor(text: string, logger: Logger): Promise<WAUrlInfo | null> {
  const url = firstUrl(text);
  if (!url) return null;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow', headers: { accept: 'text/html' } });
    if (!response.ok || !/html/i.test(response.headers.get('content-type') ?? '')) {
      await response.body?.cancel().catch(() => undefined);
      return null;
    }
    const preview = pagePreview(await readHead(response));
    if (!preview) return null;
    return {
      'canonical-url': preview.canonicalUrl ?? response.url ?? url,
      'matched-text': url,
      title: preview.title,
      ...(preview.description ? { description: preview.description } : {}),
    };
  } catch (error) {
    logger.debug({ err: error, url }, 'no link preview');
    return null;
  }
}
