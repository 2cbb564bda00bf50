// The instance's own webhook: where its events are POSTed.
import { canonicalEvents, type EventName } from '../events/names.js';
import type { CreateInstanceBody } from '../schemas/instance.js';
import type { SetWebhookBody } from '../schemas/webhook.js';

export interface WebhookConfig {
  enabled: boolean;
  url: string;
  headers: Record<string, string>;
  /** Append `/<event-with-dashes>` to the URL. */
  byEvents: boolean;
  /** Include received media inline as base64. */
  base64: boolean;
  /** Empty: every event. */
  events: EventName[];
  /** When set, each delivery is signed with HMAC-SHA256 over the body. */
  secret: string | null;
}

/** Every field with its type: how a webhook is stored (lib/db/row-codec.ts). */
export const WEBHOOK_TEMPLATE: Readonly<WebhookConfig> = Object.freeze({
  enabled: false,
  url: '',
  headers: {},
  byEvents: false,
  base64: false,
  events: [],
  secret: null,
});

/** Create accepts `webhook: {...}` and flat `webhook*` fields; the nested form wins. */
export function webhookFromCreate(body: CreateInstanceBody): WebhookConfig | null {
  const nested = body.webhook ?? {};
  const url = nested.url ?? body.webhookUrl;
  if (url === undefined) return null;
  return {
    enabled: nested.enabled ?? true,
    url,
    headers: { ...(nested.headers ?? body.webhookHeaders ?? {}) },
    byEvents: nested.byEvents ?? body.webhookByEvents ?? false,
    base64: nested.base64 ?? body.webhookBase64 ?? false,
    events: canonicalEvents(nested.events ?? body.webhookEvents ?? []),
    secret: nested.secret ?? null,
  };
}

/**
 * A set updates the webhook: fields left out keep their value. An empty url
 * switches the webhook off and forgets the address; an empty secret removes it.
 */
export function webhookFromSet(
  body: SetWebhookBody['webhook'],
  current: Readonly<WebhookConfig> | undefined,
  blank: ReadonlySet<string>,
): WebhookConfig {
  const cleared = (field: string) => blank.has(`webhook.${field}`);
  return {
    enabled: body.enabled ?? false,
    url: cleared('url') ? '' : (body.url ?? current?.url ?? ''),
    headers: { ...(body.headers ?? current?.headers ?? {}) },
    byEvents: body.byEvents ?? current?.byEvents ?? false,
    base64: body.base64 ?? current?.base64 ?? false,
    events: body.events ? canonicalEvents(body.events) : [...(current?.events ?? [])],
    secret: cleared('secret') ? null : (body.secret ?? current?.secret ?? null),
  };
}

/** Evolution names the flags webhookByEvents/webhookBase64 in stored rows; both spellings are returned. */
export function webhookView(webhook: Readonly<WebhookConfig>) {
  return {
    enabled: webhook.enabled,
    url: webhook.url,
    headers: webhook.headers,
    byEvents: webhook.byEvents,
    base64: webhook.base64,
    webhookByEvents: webhook.byEvents,
    webhookBase64: webhook.base64,
    events: webhook.events,
    // The secret itself is write-only.
    hasSecret: webhook.secret !== null,
  };
}

/** The `webhook` part of create's 201 answer, in Evolution's field names. */
export function webhookCreatedView(webhook: Readonly<WebhookConfig> | null) {
  return {
    webhookUrl: webhook?.url ?? '',
    webhookHeaders: webhook?.headers ?? {},
    webhookByEvents: webhook?.byEvents ?? false,
    webhookBase64: webhook?.base64 ?? false,
    webhookEvents: webhook?.events ?? [],
  };
}
