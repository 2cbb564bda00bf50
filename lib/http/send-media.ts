// The media field of a send (a URL or base64) as the send routes hand it on.
// The one place that decides whether the gateway reads it: a Business
// instance's URL goes to Meta as a link, unfetched, since Meta fetches it.
import type { Instance } from '../db/instances.js';
import { UNKNOWN_TYPE } from '../media/file-types.js';
import { isHttpUrl, linkedMedia } from '../media/linked-media.js';
import type { MediaPayload } from '../messages/types.js';
import { badRequest } from './errors.js';
import type { RouteDeps } from './route-deps.js';

export interface MediaHints {
  mimetype?: string;
  fileName?: string;
}

/** A send's media: what goes to the channel, and the type and name its record shows. */
export interface Media {
  payload: MediaPayload;
  mimetype: string;
  fileName: string;
}

/** Reads a media field of a send, with what the client said of it. */
export type ReadMedia = (source: string, hints?: MediaHints) => Promise<Media>;

/** How sends of `instance` read media: a Business URL as a link, anything else downloaded or decoded. */
export function mediaReader(deps: Pick<RouteDeps, 'prepareMedia' | 'config'>, instance: Pick<Instance, 'integration'>): ReadMedia {
  return async (source, hints = {}) => {
    if (instance.integration === 'WHATSAPP-BUSINESS' && isHttpUrl(source)) return linked(source, hints);
    const prepared = await deps.prepareMedia({
      media: source,
      mimetype: hints.mimetype,
      fileName: hints.fileName,
      maxBytes: deps.config.media.maxBytes,
      timeoutMs: deps.config.media.downloadTimeoutMs,
    });
    if (!prepared.ok) throw badRequest(`media could not be read: ${prepared.error}`);
    return { payload: { data: prepared.data }, mimetype: prepared.mimetype, fileName: prepared.fileName };
  };
}

function linked(url: string, hints: MediaHints): Media {
  const media = linkedMedia(url, hints);
  if (!media) throw badRequest(`media could not be read: ${url} is not a valid URL`);
  return { payload: { link: media.link }, mimetype: media.mimetype, fileName: media.fileName };
}

/** An image, or a link whose type only Meta learns, when it fetches it. */
export function mayBeImage(media: Media): boolean {
  return media.mimetype.startsWith('image/') || (media.payload.link !== undefined && media.mimetype === UNKNOWN_TYPE);
}
