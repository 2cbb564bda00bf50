// A Chatwoot contact's avatar follows the WhatsApp profile picture. Chatwoot
// keeps its own copy (the thumbnail), so, as Evolution does, the two are
// compared by file name: WhatsApp names a picture's file after the picture.

/** The last path segment of a URL, without query or fragment; '' for none. */
export function pictureFileName(url: string | null | undefined): string {
  if (!url) return '';
  return url.split('#')[0].split('?')[0].split('/').pop() ?? '';
}

/** The avatar to set on an existing contact, or null when it already shows this picture (or there is none to show). */
export function avatarUpdate(pictureUrl: string | null, thumbnail: string | null | undefined): string | null {
  const picture = pictureFileName(pictureUrl);
  // No picture, or none could be learnt: the avatar is left as it is.
  if (!pictureUrl || !picture) return null;
  return picture === pictureFileName(thumbnail) ? null : pictureUrl;
}
