import { extensionOf } from '../media/file-types.js';
import type { MessageRecord } from './types.js';

/** The content fields that hold media, in the order Evolution looks for them. */
const MEDIA_FIELDS = ['imageMessage', 'documentMessage', 'audioMessage', 'videoMessage', 'stickerMessage', 'ptvMessage'] as const;
/** Wrappers whose inner message holds the media. */
const WRAPPERS = ['documentWithCaptionMessage', 'viewOnceMessage', 'viewOnceMessageV2', 'ephemeralMessage'] as const;

export interface StoredMedia {
  mediaType: string;
  fileName: string;
  caption: string | undefined;
  size: { fileLength: number | undefined; height: number | undefined; width: number | undefined };
  mimetype: string | undefined;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const count = (value: unknown) => (typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : undefined);

function unwrap(content: Json): Json {
  for (const wrapper of WRAPPERS) {
    const inner = content[wrapper];
    if (isObject(inner) && isObject(inner.message)) return unwrap(inner.message);
  }
  return content;
}

/**
 * What getBase64FromMediaMessage answers beside the bytes, as Evolution
 * builds it; null when the message holds no media.
 */
export function mediaOf(record: Pick<MessageRecord, 'key' | 'message'>): StoredMedia | null {
  const content = unwrap(record.message);
  for (const mediaType of MEDIA_FIELDS) {
    const media = content[mediaType];
    if (!isObject(media)) continue;
    const mimetype = text(media.mimetype);
    return {
      mediaType,
      fileName: text(media.fileName) || `${record.key.id}.${extensionOf(mimetype)}`,
      caption: text(media.caption),
      size: { fileLength: count(media.fileLength), height: count(media.height), width: count(media.width) },
      mimetype,
    };
  }
  return null;
}
