import Router from '@koa/router';
import { settingsFromSet, settingsView } from '../../instance-config/settings.js';
import { settingsFindAnswer, settingsSetAnswer, settingsSetView } from '../../schemas/settings-answers.js';
import { notifyWorker } from '../../instances/connection.js';
import { instanceParams } from '../../schemas/common.js';
import { setSettingsBody } from '../../schemas/settings.js';
import { instanceOf } from '../auth.js';
import { respondJson, withRow } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

export function settingsRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/settings' });
  const { auth } = deps;

  router.post(
    '/set/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: setSettingsBody, status: 201, answer: settingsSetAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const current = await deps.repos.settings.find(instance.id);
      const next = settingsFromSet(body, current?.value);
      await deps.repos.settings.save(instance.id, next);
      await notifyWorker(deps, instance, 'reload-settings');
      respondJson(ctx, settingsSetView(instance, next), 201);
    }),
  );

  router.get(
    '/find/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, answer: settingsFindAnswer }, async (ctx) => {
      const instance = instanceOf(ctx);
      const stored = await deps.repos.settings.find(instance.id);
      respondJson(ctx, stored ? withRow(instance.id, stored, settingsView(stored.value)) : null);
    }),
  );

  return router;
}
