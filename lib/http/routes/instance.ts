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

  router.post('/create', auth.globalOnly, validate({ body: createInstanceBody, status: 201 }, async (ctx, { body }) => {
    const spec = instanceSpecFrom(body);
    const instance = await createInstance(deps, spec);
    const qr =
      spec.qrcode && instance.integration === 'WHATSAPP-BAILEYS'
        ? await firstQr(deps, instance, spec.number ?? undefined)
        : null;
    const current = (await deps.repos.instances.findById(instance.id)) ?? instance;
    ctx.body = createdView(current, spec, qr, {
      serverUrl: deps.config.server.url,
      waBusinessVerifyToken: deps.config.waBusiness.verifyToken,
    });
  }));

  router.get('/fetchInstances', auth.anyKey, validate({ query: fetchInstancesQuery }, async (ctx, { query }) => {
    const caller = ctx.state.caller;
    const global = caller?.kind === 'global';
    let instances = await deps.repos.instances.list({ name: query.instanceName, id: query.instanceId });
    // An instance token sees its own instance and nothing else.
    if (caller?.kind === 'instance') instances = instances.filter((i) => i.id === caller.instance.id);
    if (global && query.instanceName !== undefined && instances.length === 0) throw instanceNotFound(query.instanceName);
    const listings = await describeInstances(deps, instances);
    ctx.body = listings.map((listing) => instanceListingView(listing, global, deps.config.server.url, deps.config.clientName));
  }));

  router.get(
    '/connect/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: connectQuery }, async (ctx, { query }) => {
      const instance = instanceOf(ctx);
      const view = await connection.connect(deps, instance, query.number);
      ctx.body = view.qr ?? { instance: { instanceName: instance.name, state: view.state } };
    }),
  );

  // Routes that take nothing but the instance in their path.
  const byName = (handler: (ctx: AppContext) => Promise<void>) => validate({ params: instanceParams }, handler);

  router.get(
    '/connectionState/:instanceName',
    auth.instanceAccess,
    byName(async (ctx) => {
      const instance = instanceOf(ctx);
      const workerState = await deps.supervisor.state(instance);
      ctx.body = { instance: { instanceName: instance.name, state: instance.connectionStatus, workerState } };
    }),
  );

  const restart = byName(async (ctx) => {
    const instance = instanceOf(ctx);
    await connection.restart(deps, instance);
    const current = (await deps.repos.instances.findById(instance.id)) ?? instance;
    ctx.body = { instance: { instanceName: current.name, state: current.connectionStatus } };
  });
  router.post('/restart/:instanceName', auth.instanceAccess, restart);
  router.put('/restart/:instanceName', auth.instanceAccess, restart);

  router.delete(
    '/logout/:instanceName',
    auth.instanceAccess,
    byName(async (ctx) => {
      await connection.logout(deps, instanceOf(ctx));
      ctx.body = success('Instance logged out');
    }),
  );

  router.delete(
    '/delete/:instanceName',
    auth.instanceAccess,
    byName(async (ctx) => {
      await connection.remove(deps, instanceOf(ctx));
      ctx.body = success('Instance deleted');
    }),
  );

  router.post(
    '/setPresence/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: setPresenceBody, status: 201 }, async (ctx, { body }) => {
      await connection.setPresence(deps, instanceOf(ctx), body.presence, body.number);
      ctx.body = { presence: body.presence };
    }),
  );

  return router;
}
