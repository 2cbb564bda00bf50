import Router from '@koa/router';
import * as connection from '../../instances/connection.js';
import { createInstance, firstQr } from '../../instances/create.js';
import { describeInstances } from '../../instances/listing.js';
import { instanceSpecFrom } from '../../instances/spec.js';
import {
  connectQuery,
  createInstanceBody,
  fetchInstancesQuery,
  instanceParams,
  setPresenceBody,
  type CreateInstanceBody,
  type SetPresenceBody,
} from '../../schemas/instance.js';
import { instanceOf, type AppContext } from '../auth.js';
import { instanceNotFound } from '../errors.js';
import { createdView, instanceListingView } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

const success = (message: string) => ({ status: 'SUCCESS', error: false, response: { message } });

export function instanceRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/instance' });
  const { auth } = deps;
  const params = validate({ params: instanceParams });

  router.post('/create', auth.globalOnly, validate({ body: createInstanceBody }), async (ctx: AppContext) => {
    const spec = instanceSpecFrom(ctx.request.body as CreateInstanceBody);
    const instance = await createInstance(deps, spec);
    const qr =
      spec.qrcode && instance.integration === 'WHATSAPP-BAILEYS'
        ? await firstQr(deps, instance, spec.number ?? undefined)
        : null;
    const current = (await deps.repos.instances.findById(instance.id)) ?? instance;
    ctx.status = 201;
    ctx.body = createdView(current, spec, qr, {
      serverUrl: deps.config.server.url,
      waBusinessVerifyToken: deps.config.waBusiness.verifyToken,
    });
  });

  router.get('/fetchInstances', auth.anyKey, validate({ query: fetchInstancesQuery }), async (ctx: AppContext) => {
    const query = ctx.state.query as { instanceName?: string; instanceId?: string };
    const caller = ctx.state.caller;
    const global = caller?.kind === 'global';
    let instances = await deps.repos.instances.list({ name: query.instanceName, id: query.instanceId });
    // An instance token sees its own instance and nothing else.
    if (caller?.kind === 'instance') instances = instances.filter((i) => i.id === caller.instance.id);
    if (global && query.instanceName !== undefined && instances.length === 0) throw instanceNotFound(query.instanceName);
    const listings = await describeInstances(deps, instances);
    ctx.body = listings.map((listing) => instanceListingView(listing, global, deps.config.server.url, deps.config.clientName));
  });

  router.get(
    '/connect/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: connectQuery }),
    async (ctx: AppContext) => {
      const instance = instanceOf(ctx);
      const number = (ctx.state.query as { number?: string }).number;
      const view = await connection.connect(deps, instance, number);
      ctx.body = view.qr ?? { instance: { instanceName: instance.name, state: view.state } };
    },
  );

  router.get('/connectionState/:instanceName', auth.instanceAccess, params, async (ctx: AppContext) => {
    const instance = instanceOf(ctx);
    const workerState = await deps.supervisor.state(instance);
    ctx.body = { instance: { instanceName: instance.name, state: instance.connectionStatus, workerState } };
  });

  const restart = async (ctx: AppContext) => {
    const instance = instanceOf(ctx);
    await connection.restart(deps, instance);
    const current = (await deps.repos.instances.findById(instance.id)) ?? instance;
    ctx.body = { instance: { instanceName: current.name, state: current.connectionStatus } };
  };
  router.post('/restart/:instanceName', auth.instanceAccess, params, restart);
  router.put('/restart/:instanceName', auth.instanceAccess, params, restart);

  router.delete('/logout/:instanceName', auth.instanceAccess, params, async (ctx: AppContext) => {
    await connection.logout(deps, instanceOf(ctx));
    ctx.body = success('Instance logged out');
  });

  router.delete('/delete/:instanceName', auth.instanceAccess, params, async (ctx: AppContext) => {
    await connection.remove(deps, instanceOf(ctx));
    ctx.body = success('Instance deleted');
  });

  router.post(
    '/setPresence/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: setPresenceBody }),
    async (ctx: AppContext) => {
      const { presence, number } = ctx.request.body as SetPresenceBody;
      await connection.setPresence(deps, instanceOf(ctx), presence, number);
      ctx.status = 201;
      ctx.body = { presence };
    },
  );

  return router;
}
