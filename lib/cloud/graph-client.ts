// Meta's Graph API as one WHATSAPP-BUSINESS instance reaches it: its access
// token on every call, through its proxy. Failures are outcome values carrying
// Meta's error object; throttling is waited out here, so callers never see it
// unless it lasts.
import type { Agent } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { backoffDelay } from '../backoff.js';
import type { WaBusinessConfig } from '../config.js';

/** The error object of a Graph API refusal, as Meta documents it. */
export interface MetaError {
  message: string;
  type?: string;
  code: number;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  error_data?: { messaging_product?: string; details?: string };
  fbtrace_id?: string;
}

export type GraphResult<T> =
  | { ok: true; value: T }
  /** `status` null: no answer (network, timeout). `error`: Meta's, when it sent one. */
  | { ok: false; status: number | null; error: MetaError | null; message: string };

export interface GraphDownload {
  bytes: Buffer;
  mimeType: string;
}

/** Meta's throttling codes: too many calls by the app, by the number, or to one recipient. */
const THROTTLED = new Set([4, 80007, 130429, 131056]);

export function isThrottled(result: { status: number | null; error: MetaError | null }): boolean {
  return result.status === 429 || (result.error !== null && THROTTLED.has(result.error.code));
}

type Body = { json: unknown } | { form: FormData } | undefined;

interface RawResponse {
  status: number;
  contentType: string;
  bytes: Buffer;
}

/** What a Graph API client needs of the Business configuration. */
export type GraphClientConfig = Pick<WaBusinessConfig, 'url' | 'version' | 'timeoutMs' | 'retryAttempts' | 'retryBaseMs'>;

export class GraphClient {
  constructor(
    private readonly config: GraphClientConfig,
    private readonly token: string,
    private readonly agent: Agent | undefined = undefined,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** A Graph path under the configured version, e.g. `/123/messages`. */
  get<T>(path: string, query: Record<string, string> = {}): Promise<GraphResult<T>> {
    return this.call<T>('GET', this.url(path, query), undefined);
  }

  post<T>(path: string, body: { json: unknown } | { form: FormData }): Promise<GraphResult<T>> {
    return this.call<T>('POST', this.url(path), body);
  }

  delete<T>(path: string, query: Record<string, string> = {}): Promise<GraphResult<T>> {
    return this.call<T>('DELETE', this.url(path, query), undefined);
  }

  /** Bytes behind a media URL Meta handed out; it serves them only with the token. */
  async download(url: string): Promise<GraphResult<GraphDownload>> {
    const result = await this.withRetries(() => this.send('GET', url, undefined));
    if (!result.ok) return result;
    return { ok: true, value: { bytes: result.value.bytes, mimeType: result.value.contentType.split(';')[0].trim() } };
  }

  /** The file behind a media id: Meta describes it (with a short-lived URL), then serves it with the token. */
  async downloadMedia(mediaId: string): Promise<GraphResult<GraphDownload>> {
    const described = await this.get<{ url?: unknown }>(`/${encodeURIComponent(mediaId)}`);
    if (!described.ok) return described;
    if (typeof described.value.url !== 'string') return { ok: false, status: null, error: null, message: `media ${mediaId}: no URL in its description` };
    return this.download(described.value.url);
  }

  private url(path: string, query: Record<string, string> = {}): string {
    const url = new URL(`${this.config.url}/${this.config.version}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return url.toString();
  }

  private async call<T>(method: string, url: string, body: Body): Promise<GraphResult<T>> {
    const result = await this.withRetries(() => this.send(method, url, body));
    if (!result.ok) return result;
    const text = result.value.bytes.toString('utf8');
    try {
      return { ok: true, value: (text ? JSON.parse(text) : {}) as T };
    } catch {
      return { ok: false, status: result.value.status, error: null, message: `${describe(method, url)} answered something that is not JSON` };
    }
  }

  private async withRetries(attempt: () => Promise<GraphResult<RawResponse>>): Promise<GraphResult<RawResponse>> {
    for (let tries = 1; ; tries++) {
      const result = await attempt();
      if (result.ok || !isThrottled(result) || tries >= this.config.retryAttempts) return result;
      await this.sleep(backoffDelay(tries, { baseMs: this.config.retryBaseMs, maxMs: this.config.retryBaseMs * 32, jitter: 0.5 }));
    }
  }

  private async send(method: string, url: string, body: Body): Promise<GraphResult<RawResponse>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    let payload: Buffer | undefined;
    if (body && 'json' in body) {
      payload = Buffer.from(JSON.stringify(body.json));
      headers['content-type'] = 'application/json';
    } else if (body) {
      // Let the platform lay out the multipart body and its boundary.
      const encoded = new Request('http://localhost/', { method: 'POST', body: body.form });
      payload = Buffer.from(await encoded.arrayBuffer());
      headers['content-type'] = encoded.headers.get('content-type') ?? 'multipart/form-data';
    }
    if (payload) headers['content-length'] = String(payload.length);
    let response: RawResponse;
    try {
      response = await this.exchange(method, url, headers, payload);
    } catch (error) {
      return { ok: false, status: null, error: null, message: `${describe(method, url)} failed: ${(error as Error).message}` };
    }
    if (response.status >= 200 && response.status < 300) return { ok: true, value: response };
    const error = metaErrorOf(response.bytes);
    const reason = error ? `(#${error.code}) ${error.message}` : response.bytes.toString('utf8').slice(0, 200);
    return { ok: false, status: response.status, error, message: `${describe(method, url)} answered ${response.status}: ${reason}` };
  }

  private exchange(method: string, url: string, headers: Record<string, string>, payload: Buffer | undefined): Promise<RawResponse> {
    const target = new URL(url);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = request(target, { method, headers, agent: this.agent, timeout: this.config.timeoutMs }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () =>
          resolve({ status: incoming.statusCode ?? 0, contentType: String(incoming.headers['content-type'] ?? ''), bytes: Buffer.concat(chunks) }),
        );
      });
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${this.config.timeoutMs} ms`)));
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }
}

/** The method and the URL without its query (which may carry an access token). */
function describe(method: string, url: string): string {
  return `${method} ${url.split('?')[0]}`;
}

function metaErrorOf(bytes: Buffer): MetaError | null {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { error?: Partial<MetaError> };
    const error = parsed.error;
    if (!error || typeof error.code !== 'number') return null;
    return { ...error, message: String(error.message ?? ''), code: error.code };
  } catch {
    return null;
  }
}
