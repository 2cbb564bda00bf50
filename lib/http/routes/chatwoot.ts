import Router from '@koa/router';
import { bootstrapInbox } from '../../chatwoot/bootstrap.js';
import { notifyWorker } from '../../instances/connection.js';
import { CHATWOOT_UNSET_VIEW, chatwootFromSet, chatwootView } from '../../instance-config/chatwoot.js';
import { instanceParams } from '../../schemas/common.js';
import { setChatwootBody } from '../../schemas/chatwoot.js';
import { instanceOf } from '../auth.js';
import { respondJson } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

export function chatwootRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/chatwoot' });
  const { auth } = deps;
  const serverUrl = deps.config.server.url;

  router.post(
    '/set/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: setChatwootBody }, async (ctx, { body, blank }) => {
      const instance = instanceOf(ctx);
      const current = await deps.repos.chatwoot.find(instance.id);
      const config = chatwootFromSet(body, current?.value, instance.name, blank);
      await deps.repos.chatwoot.save(instance.id, config);
      deps.events.forget(instance);
      // The worker downloads received media when Chatwoot needs the files.
      await notifyWorker(deps, instance, 'reload-settings');
      void bootstrapInbox(deps, instance, config);
      const view = chatwootView(config, serverUrl, instance.name);
      respondJson(ctx, { ...view, webhook_url: view.webhookUrl }, 201);
    }),
  );

  router.get(
    '/find/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams }, async (ctx) => {
      const instance = instanceOf(ctx);
      const stored = await deps.repos.chatwoot.find(instance.id);
      if (!stored) {
        respondJson(ctx, CHATWOOT_UNSET_VIEW);
        return;
      }
      const view = chatwootView(stored.value, serverUrl, instance.name);
      respondJson(ctx, { ...view, webhook_url: view.webhookUrl });
    }),
  );

  return router;
}
