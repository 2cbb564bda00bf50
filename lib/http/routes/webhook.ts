import Router from '@koa/router';
import type { WebhookConfig } from '../../db/webhooks.js';
import type { EventName } from '../../events/names.js';
import { notifyWorker } from '../../instances/connection.js';
import { instanceParams } from '../../schemas/common.js';
import { setWebhookBody, type SetWebhookBody } from '../../schemas/webhook.js';
import { instanceOf, type AppContext } from '../auth.js';
import { respondJson, webhookView } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

function webhookFrom(body: SetWebhookBody['webhook'], current: WebhookConfig | undefined): WebhookConfig {
  return {
    enabled: body.enabled ?? false,
    url: body.url ?? current?.url ?? '',
    headers: body.headers ?? current?.headers ?? {},
    byEvents: body.byEvents ?? current?.byEvents ?? false,
    base64: body.base64 ?? current?.base64 ?? false,
    events: body.events ? ([...body.events] as EventName[]) : (current?.events ?? []),
    // An empty string removes the secret; leaving the field out keeps it.
    secret: body.secret === undefined ? (current?.secret ?? null) : body.secret || null,
  };
}

export function webhookRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/webhook' });
  const { auth } = deps;

  router.post(
    '/set/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: setWebhookBody }),
    async (ctx: AppContext) => {
      const instance = instanceOf(ctx);
      const current = await deps.repos.webhooks.find(instance.id);
      const webhook = webhookFrom((ctx.request.body as SetWebhookBody).webhook, current?.value);
      await deps.repos.webhooks.save(instance.id, webhook);
      deps.events.forget(instance);
      // The worker downloads received media only when the webhook wants it inline.
      await notifyWorker(deps, instance, 'reload-settings');
      const stored = await deps.repos.webhooks.find(instance.id);
      respondJson(ctx, { ...webhookView(webhook), createdAt: stored?.createdAt, updatedAt: stored?.updatedAt, instanceId: instance.id }, 201);
    },
  );

  router.get('/find/:instanceName', auth.instanceAccess, validate({ params: instanceParams }), async (ctx: AppContext) => {
    const instance = instanceOf(ctx);
    const stored = await deps.repos.webhooks.find(instance.id);
    respondJson(
      ctx,
      stored ? { ...webhookView(stored.value), createdAt: stored.createdAt, updatedAt: stored.updatedAt, instanceId: instance.id } : null,
    );
  });

  return router;
}
