import { createHmac } from 'node:crypto';
import { Agent, request } from 'undici';
import { redactUrlCredentials } from '../url-credentials.js';
import type { WebhookDelivery } from './delivery.js';
import { delivered, errorText, reject, retry, type DeliveryOutcome, type Sink } from './sink.js';

export const SIGNATURE_HEADER = 'x-signature-256';

/** `sha256=<hex HMAC of the body>`, as receivers verify it with the shared secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Statuses worth another try: the receiver may answer differently later. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * POSTs the envelope as JSON over keep-alive connections (one undici pool per
 * origin). 2xx is delivered; 408, 429 and 5xx are retried; any other 4xx is a
 * refusal the same request would meet again, so it is not retried.
 */
export class WebhookSink implements Sink<'webhook'> {
  readonly name = 'webhook' as const;
  private readonly agent: Agent;

  constructor(private readonly timeoutMs: number) {
    this.agent = new Agent({ keepAliveTimeout: 30_000, connections: 16, pipelining: 1 });
  }

  async deliver(delivery: WebhookDelivery, eventId: string): Promise<DeliveryOutcome> {
    const body = JSON.stringify(delivery.envelope);
    const headers: Record<string, string> = {
      ...delivery.headers,
      'content-type': 'application/json',
      'x-event-id': eventId,
    };
    if (delivery.secret) headers[SIGNATURE_HEADER] = signBody(delivery.secret, body);
    try {
      const response = await request(delivery.url, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.agent,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body.dump();
      const status = response.statusCode;
      if (status >= 200 && status < 300) return delivered();
      // Error texts are logged and kept with the row: never with the URL's password.
      const error = `HTTP ${status} from ${redactUrlCredentials(delivery.url)}`;
      return retryableStatus(status) ? retry(error) : reject(error);
    } catch (error) {
      return retry(`POST ${redactUrlCredentials(delivery.url)} failed: ${redactUrlCredentials(errorText(error))}`);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
