import Router from '@koa/router';
import { DEFAULT_SETTINGS, mergeSettings } from '../../db/settings.js';
import { notifyWorker } from '../../instances/connection.js';
import { instanceParams } from '../../schemas/common.js';
import { setSettingsBody, type SetSettingsBody } from '../../schemas/settings.js';
import { instanceOf, type AppContext } from '../auth.js';
import { respondJson, settingsView } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

export function settingsRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/settings' });
  const { auth } = deps;

  router.post(
    '/set/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: setSettingsBody }),
    async (ctx: AppContext) => {
      const instance = instanceOf(ctx);
      const body = ctx.request.body as SetSettingsBody;
      const current = (await deps.repos.settings.find(instance.id))?.value ?? DEFAULT_SETTINGS;
      const next = mergeSettings(current, body);
      await deps.repos.settings.save(instance.id, next);
      await notifyWorker(deps, instance, 'reload-settings');
      ctx.status = 201;
      ctx.body = { settings: { instanceName: instance.name, instanceId: instance.id, settings: settingsView(next) } };
    },
  );

  router.get('/find/:instanceName', auth.instanceAccess, validate({ params: instanceParams }), async (ctx: AppContext) => {
    const instance = instanceOf(ctx);
    const stored = await deps.repos.settings.find(instance.id);
    respondJson(
      ctx,
      stored ? { ...settingsView(stored.value), createdAt: stored.createdAt, updatedAt: stored.updatedAt, instanceId: instance.id } : null,
    );
  });

  return router;
}
