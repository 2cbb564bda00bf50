import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** host:port for CONNECT tunnels, the absolute URL for forwarded requests. */
  target: string;
}

/**
 * A real forwarding HTTP proxy on loopback: CONNECT tunnels and absolute-URI
 * requests, optional basic auth. Records what went through it.
 */
export class HttpProxy {
  readonly seen: ProxiedRequest[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly credentials?: { username: string; password: string }) {
    this.server = http.createServer((req, res) => this.forward(req, res));
    this.server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => this.tunnel(req, socket, head));
    this.server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(credentials?: { username: string; password: string }): Promise<HttpProxy> {
    const proxy = new HttpProxy(credentials);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private authorized(req: http.IncomingMessage): boolean {
    if (!this.credentials) return true;
    const expected = Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64');
    return req.headers['proxy-authorization'] === `Basic ${expected}`;
  }

  private tunnel(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    const target = req.url ?? '';
    this.seen.push({ method: 'CONNECT', target });
    if (!this.authorized(req)) {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      return;
    }
    const [host, port] = target.split(':');
    const upstream = net.connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    this.sockets.add(upstream);
    upstream.on('close', () => this.sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const target = req.url ?? '';
    this.seen.push({ method: req.method ?? 'GET', target });
    if (!this.authorized(req)) {
      res.writeHead(407).end();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = http.request(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  }
}
