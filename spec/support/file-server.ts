import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Serves fixed files over HTTP on loopback: media that send routes fetch by URL. */
export class FileServer {
  private readonly files = new Map<string, { bytes: Buffer; type: string }>();
  /** The path of every request, in order: a spec sees what was fetched, and how often. */
  readonly requests: string[] = [];
  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FileServer> {
    let self: FileServer | undefined;
    const server = http.createServer((req, res) => {
      self?.requests.push(req.url ?? '');
      const file = self?.files.get(req.url ?? '');
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file.type, 'content-length': file.bytes.length }).end(file.bytes);
    });
    self = new FileServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  /** Publishes bytes at a path and returns their URL. */
  serve(path: string, bytes: Buffer, type: string): string {
    this.files.set(path, { bytes, type });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
