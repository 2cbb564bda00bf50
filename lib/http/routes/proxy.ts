import Router from '@koa/router';
import { proxyFromSet, proxyView } from '../../instance-config/proxy.js';
import { notifyWorker } from '../../instances/connection.js';
import { assertProxyWorks } from '../../instances/create.js';
import { instanceParams } from '../../schemas/common.js';
import { setProxyBody } from '../../schemas/proxy.js';
import { proxyFindAnswer, proxySetAnswer, proxySetView } from '../../schemas/proxy-answers.js';
import { instanceOf } from '../auth.js';
import { respondJson, withRow } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

export function proxyRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/proxy' });
  const { auth } = deps;

  router.post(
    '/set/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: setProxyBody, status: 201, answer: proxySetAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const proxy = proxyFromSet(body);
      // Nothing is saved unless the proxy answers: a broken proxy would cut the instance off.
      if (proxy.enabled) await assertProxyWorks(deps, proxy);
      await deps.repos.proxies.save(instance.id, proxy);
      await notifyWorker(deps, instance, 'reload-proxy');
      respondJson(ctx, proxySetView(instance, proxy), 201);
    }),
  );

  router.get(
    '/find/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, answer: proxyFindAnswer }, async (ctx) => {
      const instance = instanceOf(ctx);
      const stored = await deps.repos.proxies.find(instance.id);
      respondJson(ctx, stored ? withRow(instance.id, stored, proxyView(stored.value, true)) : null);
    }),
  );

  return router;
}
