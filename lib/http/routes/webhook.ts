import Router from '@koa/router';
import { webhookFromSet, webhookView } from '../../instance-config/webhook.js';
import { notifyWorker } from '../../instances/connection.js';
import { instanceParams } from '../../schemas/common.js';
import { setWebhookBody } from '../../schemas/webhook.js';
import { webhookFindAnswer, webhookSetAnswer } from '../../schemas/webhook-answers.js';
import { instanceOf } from '../auth.js';
import { respondJson, withRow, withSavedRow } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

export function webhookRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/webhook' });
  const { auth } = deps;

  router.post(
    '/set/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: setWebhookBody, status: 201, answer: webhookSetAnswer }, async (ctx, { body, blank }) => {
      const instance = instanceOf(ctx);
      const current = await deps.repos.webhooks.find(instance.id);
      const webhook = webhookFromSet(body.webhook, current?.value, blank);
      await deps.repos.webhooks.save(instance.id, webhook);
      deps.events.forget(instance);
      // The worker downloads received media only when the webhook wants it inline.
      await notifyWorker(deps, instance, 'reload-settings');
      const stored = await deps.repos.webhooks.find(instance.id);
      respondJson(ctx, withSavedRow(instance.id, stored, webhookView(webhook)), 201);
    }),
  );

  router.get(
    '/find/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, answer: webhookFindAnswer }, async (ctx) => {
      const instance = instanceOf(ctx);
      const stored = await deps.repos.webhooks.find(instance.id);
      respondJson(ctx, stored ? withRow(instance.id, stored, webhookView(stored.value)) : null);
    }),
  );

  return router;
}
