// Calls to the gateway's REST API on this origin, with the `apikey` header.

/** A non-2xx answer, with the messages of the gateway's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
  ) {
    super(messages.join('; '));
  }
}

function messagesOf(status: number, body: unknown): string[] {
  const message = (body as { response?: { message?: unknown } } | null)?.response?.message;
  if (Array.isArray(message) && message.length > 0) return message.map(String);
  if (typeof message === 'string') return [message];
  return [`The gateway answered ${status}`];
}

export type Api = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export function createApi(key: string): Api {
  return async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { apikey: key, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: the status alone says what happened
    }
    if (!response.ok) throw new ApiError(response.status, messagesOf(response.status, parsed));
    return parsed as T;
  };
}

/** What to show for a failed call. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'The API key was not accepted.';
    return error.message;
  }
  return `The gateway could not be reached (${(error as Error).message}).`;
}

export const enc = encodeURIComponent;

export interface QrView {
  pairingCode: string | null;
  code: string | null;
  base64: string | null;
  count: number;
  message?: string;
}

export interface InstanceListing {
  id: string;
  name: string;
  connectionStatus: string;
  workerState?: string;
  integration: string;
  number: string | null;
  ownerJid: string | null;
  profileName: string | null;
}

export interface DeadLetter {
  id: number;
  eventId: string;
  event: string;
  sink: string;
  destination: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

export interface DeadLetterPage {
  total: number;
  limit: number;
  offset: number;
  deadLetters: DeadLetter[];
}
