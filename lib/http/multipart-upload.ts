import type { Context, Next } from 'koa';
import { koaBody, type ScalarOrArrayFiles } from 'koa-body';
import { readFile, unlink } from 'node:fs/promises';
import { DomainError } from '../errors.js';
import { badRequest } from './errors.js';
import { jsonShapeProblem } from './json-shape.js';

type UploadedFile = Exclude<ScalarOrArrayFiles[string], unknown[]>;

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Bytes in a size as the body limit is configured ("50mb", "512kb", "1048576"). */
export function byteSize(limit: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit);
  if (!match) throw new Error(`not a size: ${limit}`);
  return Math.floor(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]);
}

function filesOf(files: ScalarOrArrayFiles | undefined): UploadedFile[] {
  return Object.values(files ?? {}).flat();
}

/** A parse failure in our words: formidable's own texts name its internals. */
function uploadError(error: unknown, limitBytes: number): DomainError {
  const httpCode = (error as { httpCode?: number } | null)?.httpCode;
  if (httpCode === 413) return new DomainError('too-large', `file must be at most ${limitBytes} bytes`);
  return badRequest('the multipart body could not be read');
}

const uploadFields = new WeakMap<object, string>();

/** The body field a multipart middleware fills from the `file` part, or undefined for any other middleware. */
export function uploadFieldOf(middleware: unknown): string | undefined {
  return typeof middleware === 'function' ? uploadFields.get(middleware) : undefined;
}

/**
 * Evolution's media routes also take a multipart form: the media as a `file`
 * part, every other field as a form field (validate() coerces their text).
 * The file becomes the route's media field as a data URL, so it is read,
 * typed and size-checked like base64 sent in JSON: its part's type unless
 * the form gives `mimetype`, its part's name unless it gives `fileName`.
 * formidable writes parts to temporary files; they are removed when the
 * request ends, whatever its outcome (formidable removes them itself when the
 * parse fails).
 */
export function multipartUpload(mediaField: string, bodyLimit: string) {
  const limitBytes = byteSize(bodyLimit);
  const parse = koaBody({
    json: false,
    urlencoded: false,
    text: false,
    multipart: true,
    // An empty file part is answered as a missing file, below.
    formidable: { maxFiles: 1, maxFileSize: limitBytes, maxTotalFileSize: limitBytes, maxFieldsSize: limitBytes, allowEmptyFiles: true, minFileSize: 0 },
  });
  const readUpload = async function readUpload(ctx: Context, next: Next): Promise<void> {
    if (!ctx.is('multipart')) return next();
    try {
      await parse(ctx, async () => {});
    } catch (error) {
      throw uploadError(error, limitBytes);
    }
    const files = filesOf(ctx.request.files);
    try {
      const file = files.find((candidate) => candidate.size > 0);
      const body = (ctx.request.body ?? {}) as Record<string, unknown>;
      // Form fields are held to the rules JSON bodies meet before any route sees them.
      const problem = jsonShapeProblem(body);
      if (problem) throw badRequest(problem);
      if (file && body[mediaField] === undefined) {
        const bytes = await readFile(file.filepath);
        // Without a part type the bytes are sniffed, as for bare base64.
        body[mediaField] = file.mimetype ? `data:${file.mimetype};base64,${bytes.toString('base64')}` : bytes.toString('base64');
        if (body.fileName === undefined && file.originalFilename) body.fileName = file.originalFilename;
      }
      if (body[mediaField] === undefined) throw badRequest(`file is required (or ${mediaField} as a URL or base64)`);
      ctx.request.body = body as typeof ctx.request.body;
      await next();
    } finally {
      await Promise.all(files.map((file) => unlink(file.filepath).catch(() => undefined)));
    }
  };
  uploadFields.set(readUpload, mediaField);
  return readUpload;
}
