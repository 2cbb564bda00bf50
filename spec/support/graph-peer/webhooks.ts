// Meta's side of a webhook subscription: the verification handshake, signed POSTs,
// and retries of deliveries the callback did not answer 200 (Meta retries with
// backoff for days; the peer retries a bounded number of times).
import { createHmac, randomInt } from 'node:crypto';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the first retry; each next wait doubles. */
  firstDelayMs: number;
  /** How long one try waits for an answer. */
  timeoutMs: number;
}
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, firstDelayMs: 200, timeoutMs: 5000 };

export interface DeliveryAttempt {
  /** HTTP status, or 0 when nothing answered (refused, reset, timed out). */
  status: number;
  at: number;
}
export interface WebhookDelivery {
  url: string;
  body: Record<string, unknown>;
  raw: string;
  /** `sha256=<hex>` sent as X-Hub-Signature-256, null without an app secret. */
  signature: string | null;
  attempts: DeliveryAttempt[];
  delivered: boolean;
  /** Settles when the delivery succeeded or its last try failed. */
  done: Promise<void>;
}
export interface Verification { ok: boolean; status: number; challenge: string; answer: string }

export const signature = (secret: string, raw: string, algorithm: 'sha256' | 'sha1' = 'sha256') =>
  `${algorithm}=${createHmac(algorithm, secret).update(raw, 'utf8').digest('hex')}`;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  private callback: string | null = null;
  private stopped = false;

  constructor(
    private readonly appSecret: string | undefined,
    private readonly retry: RetryPolicy,
  ) {}

  get callbackUrl(): string | null {
    return this.callback;
  }

  /**
   * Meta's check of a callback URL: GET with hub.mode, hub.verify_token and hub.challenge;
   * the URL is kept only when it answers 200 with the challenge as its body.
   */
  async verify(url: string, verifyToken: string): Promise<Verification> {
    const challenge = String(randomInt(1_000_000_000, 2_000_000_000));
    const target = new URL(url);
    target.searchParams.set('hub.mode', 'subscribe');
    target.searchParams.set('hub.challenge', challenge);
    target.searchParams.set('hub.verify_token', verifyToken);
    let status = 0;
    let answer = '';
    try {
      const response = await fetch(target, { headers: { 'user-agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' }, signal: AbortSignal.timeout(this.retry.timeoutMs) });
      status = response.status;
      answer = await response.text();
    } catch {
      status = 0;
    }
    const ok = status === 200 && answer === challenge;
    if (ok) this.callback = url;
    return { ok, status, challenge, answer };
  }

  /** Posts one payload to the subscribed callback, retrying until 200 or out of tries. */
  send(body: Record<string, unknown>): WebhookDelivery {
    if (!this.callback) throw new Error('no webhook subscription: call subscribe() first');
    const raw = JSON.stringify(body);
    const delivery: WebhookDelivery = {
      url: this.callback,
      body,
      raw,
      signature: this.appSecret ? signature(this.appSecret, raw) : null,
      attempts: [],
      delivered: false,
      done: Promise.resolve(),
    };
    delivery.done = this.run(delivery);
    this.deliveries.push(delivery);
    return delivery;
  }

  stop(): void {
    this.stopped = true;
  }

  private headers(delivery: WebhookDelivery): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua' };
    if (this.appSecret && delivery.signature) {
      headers['x-hub-signature-256'] = delivery.signature;
      headers['x-hub-signature'] = signature(this.appSecret, delivery.raw, 'sha1');
    }
    return headers;
  }

  private async run(delivery: WebhookDelivery): Promise<void> {
    for (let attempt = 0; attempt < this.retry.attempts && !this.stopped; attempt += 1) {
      if (attempt > 0) await wait(this.retry.firstDelayMs * 2 ** (attempt - 1));
      if (this.stopped) return;
      const status = await this.post(delivery);
      delivery.attempts.push({ status, at: Date.now() });
      if (status === 200) {
        delivery.delivered = true;
        return;
      }
    }
  }

  private async post(delivery: WebhookDelivery): Promise<number> {
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: this.headers(delivery),
        body: delivery.raw,
        signal: AbortSignal.timeout(this.retry.timeoutMs),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }
}
