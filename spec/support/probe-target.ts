import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Stands in for an "what is my IP" service: the URL a gateway fetches to test a proxy. */
export class ProbeTarget {
  hits = 0;
  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<ProbeTarget> {
    let target: ProbeTarget | undefined;
    const server = http.createServer((req, res) => {
      if (target) target.hits += 1;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.socket.remoteAddress}\n`);
    });
    target = new ProbeTarget(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return target;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/ip`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
