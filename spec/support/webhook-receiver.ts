import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  /** Parsed JSON body. */
  body: Record<string, unknown>;
  status: number;
  at: number;
}

/** Decides how the receiver answers one request: a status, or 'hang' to never answer. */
export type Responder = (request: Omit<ReceivedRequest, 'status'>, index: number) => number | 'hang';

/** A real HTTP server that records every webhook call and answers as told. */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private responder: Responder = () => 200;
  private latencyMs = 0;
  private readonly server: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();

  private constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.answer(req, res, Buffer.concat(chunks).toString('utf8')));
    });
  }

  /** On a free port, or on `port` (a receiver back up where a stopped one was). */
  static async start(port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(port, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  /** Answers every request this much later (a slow receiver). */
  slowDown(latencyMs: number): void {
    this.latencyMs = latencyMs;
  }

  /** Requests answered 2xx, i.e. deliveries the gateway may consider done. */
  get accepted(): ReceivedRequest[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300);
  }

  events(filter?: (r: ReceivedRequest) => boolean): string[] {
    return this.accepted.filter(filter ?? (() => true)).map((r) => String(r.body.event));
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      // recorded as empty: the spec asserting on it will say so
    }
    const request = { path: req.url ?? '/', headers: req.headers, raw, body, at: Date.now() };
    const decision = this.responder(request, this.requests.length);
    if (decision === 'hang') {
      this.requests.push({ ...request, status: 0 });
      this.hanging.add(res);
      return;
    }
    const reply = () => {
      this.requests.push({ ...request, status: decision });
      res.writeHead(decision, { 'content-type': 'application/json' }).end('{}');
    };
    if (this.latencyMs > 0) setTimeout(reply, this.latencyMs);
    else reply();
  }
}
