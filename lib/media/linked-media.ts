// Media known only by its URL: what a send records of it comes from what the
// client said and from the URL's path, since nothing fetches it here (Meta does).
import { posix } from 'node:path';
import { extensionOf, mimetypeOfName, UNKNOWN_TYPE } from './file-types.js';

export const isHttpUrl = (source: string) => /^https?:\/\//i.test(source);

/** The last segment of the URL's path, as it is written ('' for the root). */
export function fileNameOfUrl(url: string): string {
  return posix.basename(new URL(url).pathname);
}

export interface LinkedMedia {
  link: string;
  mimetype: string;
  fileName: string;
}

/**
 * The link with its type and name: the client's, else the URL's extension
 * and last segment. Null when `url` is not a URL at all.
 */
export function linkedMedia(url: string, hints: { mimetype?: string; fileName?: string } = {}): LinkedMedia | null {
  if (!URL.canParse(url)) return null;
  const urlName = fileNameOfUrl(url);
  const mimetype = hints.mimetype || mimetypeOfName(hints.fileName ?? '') || mimetypeOfName(urlName) || UNKNOWN_TYPE;
  const fileName = hints.fileName || urlName || `file.${extensionOf(mimetype)}`;
  return { link: url, mimetype, fileName };
}
