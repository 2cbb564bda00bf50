import Router from '@koa/router';
import type { ProxyConfig } from '../../db/proxies.js';
import { notifyWorker } from '../../instances/connection.js';
import { assertProxyWorks } from '../../instances/create.js';
import { instanceParams } from '../../schemas/common.js';
import { setProxyBody, type SetProxyBody } from '../../schemas/proxy.js';
import { instanceOf, type AppContext } from '../auth.js';
import { proxyView, respondJson } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

const DISABLED: ProxyConfig = { enabled: false, host: '', port: '', protocol: 'http', username: '', password: '' };

function proxyFrom(body: SetProxyBody): ProxyConfig {
  if (!body.enabled || body.host === undefined || body.port === undefined) return DISABLED;
  return {
    enabled: true,
    host: body.host,
    port: String(body.port),
    protocol: body.protocol ?? 'http',
    username: body.username ?? '',
    password: body.password ?? '',
  };
}

export function proxyRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/proxy' });
  const { auth } = deps;

  router.post(
    '/set/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: setProxyBody }),
    async (ctx: AppContext) => {
      const instance = instanceOf(ctx);
      const proxy = proxyFrom(ctx.request.body as SetProxyBody);
      // Nothing is saved unless the proxy answers: a broken proxy would cut the instance off.
      if (proxy.enabled) await assertProxyWorks(deps, proxy);
      await deps.repos.proxies.save(instance.id, proxy);
      await notifyWorker(deps, instance, 'reload-proxy');
      respondJson(ctx, { proxy: { instanceName: instance.name, instanceId: instance.id, proxy: proxyView(proxy, true) } }, 201);
    },
  );

  router.get('/find/:instanceName', auth.instanceAccess, validate({ params: instanceParams }), async (ctx: AppContext) => {
    const instance = instanceOf(ctx);
    const stored = await deps.repos.proxies.find(instance.id);
    respondJson(
      ctx,
      stored
        ? { ...proxyView(stored.value, true), createdAt: stored.createdAt, updatedAt: stored.updatedAt, instanceId: instance.id }
        : null,
    );
  });

  return router;
}
