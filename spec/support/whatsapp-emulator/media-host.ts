// The HTTPS host media is uploaded to and downloaded from. Its certificate
// (fixtures/, for 127.0.0.1) is signed by a test CA made once with:
//   openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 36500 -subj "/CN=wa-gateway emulator test CA"
//   openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1"
//   openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -out server.pem -days 36500 \
//     -extfile <(printf "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
// A process that uploads (Baileys) must trust ca.pem, e.g. NODE_EXTRA_CA_CERTS=<path of ca.pem>.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const FIXTURES = new URL('../../../../spec/support/whatsapp-emulator/fixtures/', import.meta.url);
export const CA_CERT_PATH = fileURLToPath(new URL('ca.pem', FIXTURES));

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';
/** What a blob can hold: media of a message, a history sync chunk the phone uploads, or an app state snapshot. */
export type BlobKind = MediaKind | 'history' | 'app-state';

const KEY_INFO: Record<BlobKind, string> = {
  image: 'Image',
  video: 'Video',
  audio: 'Audio',
  document: 'Document',
  sticker: 'Image',
  history: 'History',
  'app-state': 'App State',
};

/** The fields of a media message that locate and decrypt its blob. */
export interface MediaReference {
  url?: string | null;
  directPath?: string | null;
  mediaKey?: Uint8Array | null;
  fileSha256?: Uint8Array | null;
  fileEncSha256?: Uint8Array | null;
}

export interface SealedMedia {
  url: string;
  directPath: string;
  mediaKey: Buffer;
  fileSha256: Buffer;
  fileEncSha256: Buffer;
  fileLength: number;
  mediaKeyTimestamp: number;
}

function mediaKeys(mediaKey: Uint8Array, kind: BlobKind) {
  const expanded = Buffer.from(hkdfSync('sha256', mediaKey, Buffer.alloc(0), Buffer.from(`WhatsApp ${KEY_INFO[kind]} Keys`), 112));
  return { iv: expanded.subarray(0, 16), cipherKey: expanded.subarray(16, 48), macKey: expanded.subarray(48, 80) };
}

const base64url = (bytes: Buffer) => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export class MediaHost {
  readonly auth = randomBytes(16).toString('base64');
  private readonly blobs = new Map<string, Buffer>();
  /** Plain files (profile pictures), served as they are. */
  private readonly files = new Map<string, { bytes: Buffer; type: string }>();
  private readonly server: https.Server;
  /** Paths of the blobs clients downloaded, in order. */
  readonly downloads: string[] = [];

  private constructor() {
    this.server = https.createServer(
      { key: readFileSync(new URL('server.key', FIXTURES)), cert: readFileSync(new URL('server.pem', FIXTURES)) },
      (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => this.answer(req.method ?? 'GET', new URL(req.url ?? '/', 'https://emulator'), Buffer.concat(chunks), res));
      },
    );
  }

  static async start(): Promise<MediaHost> {
    const host = new MediaHost();
    await new Promise<void>((resolve) => host.server.listen(0, '127.0.0.1', resolve));
    return host;
  }

  /** host:port, as media_conn announces it (Baileys always uses https://). */
  get hostname(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Decrypts a blob a client uploaded, checking its hashes and MAC as a recipient phone would. */
  open(reference: MediaReference, kind: MediaKind): Buffer {
    const path = reference.directPath ?? (reference.url ? new URL(reference.url).pathname + new URL(reference.url).search : '');
    const encrypted = this.blobs.get(path);
    if (!encrypted) throw new Error(`no media at ${path}`);
    if (!reference.mediaKey || !reference.fileEncSha256 || !reference.fileSha256) throw new Error('media message without keys');
    if (!createHash('sha256').update(encrypted).digest().equals(Buffer.from(reference.fileEncSha256))) {
      throw new Error('fileEncSha256 does not match the blob');
    }
    const { iv, cipherKey, macKey } = mediaKeys(reference.mediaKey, kind);
    const ciphertext = encrypted.subarray(0, encrypted.length - 10);
    const mac = createHmac('sha256', macKey).update(iv).update(ciphertext).digest().subarray(0, 10);
    if (!mac.equals(encrypted.subarray(encrypted.length - 10))) throw new Error('media MAC does not match');
    const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
    const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    if (!createHash('sha256').update(plain).digest().equals(Buffer.from(reference.fileSha256))) {
      throw new Error('fileSha256 does not match the content');
    }
    return plain;
  }

  /** Encrypts and hosts media the emulated phone sends. */
  seal(plain: Buffer, kind: BlobKind): SealedMedia {
    const mediaKey = randomBytes(32);
    const { iv, cipherKey, macKey } = mediaKeys(mediaKey, kind);
    const cipher = createCipheriv('aes-256-cbc', cipherKey, iv);
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    const mac = createHmac('sha256', macKey).update(iv).update(ciphertext).digest().subarray(0, 10);
    const encrypted = Buffer.concat([ciphertext, mac]);
    const directPath = `/v/t62.7119-24/${randomBytes(12).toString('hex')}.enc?ccb=11-4&oh=emu&oe=FFFFFFFF`;
    this.blobs.set(directPath, encrypted);
    return {
      url: `https://${this.hostname}${directPath}`,
      directPath,
      mediaKey,
      fileSha256: createHash('sha256').update(plain).digest(),
      fileEncSha256: createHash('sha256').update(encrypted).digest(),
      fileLength: plain.length,
      mediaKeyTimestamp: Math.floor(Date.now() / 1000),
    };
  }

  /** Serves a plain file, as WhatsApp's picture host serves profile pictures; returns its URL. */
  serveFile(bytes: Buffer, type: string): string {
    const path = `/v/t61.24694-24/${randomBytes(12).toString('hex')}_n.jpg?ccb=11-4&oh=emu&oe=FFFFFFFF`;
    this.files.set(path, { bytes, type });
    return `https://${this.hostname}${path}`;
  }

  private answer(method: string, url: URL, body: Buffer, res: import('node:http').ServerResponse): void {
    if (method === 'POST' && url.pathname.startsWith('/mms/')) {
      if (url.searchParams.get('auth') !== this.auth) {
        res.writeHead(401).end(JSON.stringify({ error: 'bad auth' }));
        return;
      }
      // The last path segment is the base64url SHA-256 of the encrypted body.
      if (url.pathname.split('/').pop() !== base64url(createHash('sha256').update(body).digest())) {
        res.writeHead(400).end(JSON.stringify({ error: 'hash mismatch' }));
        return;
      }
      const directPath = `/v/t62.7118-24/${randomBytes(12).toString('hex')}.enc?ccb=11-4&oh=emu&oe=FFFFFFFF`;
      this.blobs.set(directPath, body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: `https://${this.hostname}${directPath}`, direct_path: directPath }));
      return;
    }
    const blob = this.blobs.get(url.pathname + url.search);
    if (method === 'GET' && blob) {
      this.downloads.push(url.pathname + url.search);
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(blob);
      return;
    }
    const file = this.files.get(url.pathname + url.search);
    if (method === 'GET' && file) {
      res.writeHead(200, { 'content-type': file.type }).end(file.bytes);
      return;
    }
    res.writeHead(404).end();
  }
}
