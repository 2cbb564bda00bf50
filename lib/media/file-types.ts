// MIME types of the files WhatsApp carries and their file extensions, both ways:
// names for stored media, and the type of media known only by its URL.

/** The type of bytes nobody has named. */
export const UNKNOWN_TYPE = 'application/octet-stream';

/** Each type with its extensions, the one its files are named with first. */
const FILE_TYPES: ReadonlyArray<readonly [mimetype: string, extensions: readonly string[]]> = [
  ['image/jpeg', ['jpeg', 'jpg']],
  ['image/png', ['png']],
  ['image/webp', ['webp']],
  ['image/gif', ['gif']],
  ['video/mp4', ['mp4']],
  ['video/3gpp', ['3gp']],
  ['audio/ogg', ['oga', 'ogg', 'opus']],
  ['audio/mpeg', ['mp3']],
  ['audio/mp4', ['m4a']],
  ['audio/aac', ['aac']],
  ['audio/amr', ['amr']],
  ['application/pdf', ['pdf']],
  ['text/plain', ['txt']],
  ['application/msword', ['doc']],
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', ['docx']],
  ['application/vnd.ms-excel', ['xls']],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ['xlsx']],
  ['application/vnd.ms-powerpoint', ['ppt']],
  ['application/vnd.openxmlformats-officedocument.presentationml.presentation', ['pptx']],
];

const EXTENSION_OF = new Map(FILE_TYPES.map(([mimetype, extensions]) => [mimetype, extensions[0]]));
const TYPE_OF = new Map(FILE_TYPES.flatMap(([mimetype, extensions]) => extensions.map((extension) => [extension, mimetype] as const)));

/** The extension to name a file of `mimetype` with; other types fall back to their subtype, then to bin. */
export function extensionOf(mimetype: string | undefined): string {
  const type = mimetype?.split(';')[0]?.trim().toLowerCase() ?? '';
  return EXTENSION_OF.get(type) ?? (/^[a-z]+\/([a-z0-9]{1,10})$/.exec(type)?.[1] || 'bin');
}

/** The type a file name's extension says, or undefined when it has none this table knows. */
export function mimetypeOfName(name: string): string | undefined {
  const extension = /\.([^./]+)$/.exec(name)?.[1]?.toLowerCase();
  return extension ? TYPE_OF.get(extension) : undefined;
}
