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
import { presenceAnswer } from '../../schemas/chat-answers.js';
import {
  connectAnswer,
  connectionStateAnswer,
  connectionStateView,
  instanceCreatedAnswer,
  instanceDoneAnswer,
  instanceDoneView,
  instanceListAnswer,
  instanceStateAnswer,
  instanceStateView,
} from '../../schemas/instance-answers.js';
import { instanceOf, type AppContext } from '../auth.js';
import { instanceNotFound } from '../errors.js';
import { createdView, instanceListingView } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate, type ObjectSchema } from '../validate.js';

export function instanceRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/instance' });
  const { auth } = deps;

  router.post('/create', auth.globalOnly, validate({ body: createInstanceBody, status: 201, answer: instanceCreatedAnswer }, async (ctx, { body }) => {
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

  router.get('/fetchInstances', auth.anyKey, validate({ query: fetchInstancesQuery, answer: instanceListAnswer }, async (ctx, { query }) => {
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
    validate({ params: instanceParams, query: connectQuery, answer: connectAnswer }, async (ctx, { query }) => {
      const instance = instanceOf(ctx);
      const view = await connection.connect(deps, instance, query.number);
      ctx.body = view.qr ?? instanceStateView(instance.name, view.state);
    }),
  );

  // Routes that take nothing but the instance in their path, each with the answer it gives.
  const byName = (answer: ObjectSchema, handler: (ctx: AppContext) => Promise<void>) => validate({ params: instanceParams, answer }, handler);

  router.get(
    '/connectionState/:instanceName',
    auth.instanceAccess,
    byName(connectionStateAnswer, async (ctx) => {
      const instance = instanceOf(ctx);
      const workerState = await deps.supervisor.state(instance);
      ctx.body = connectionStateView(instance.name, instance.connectionStatus, workerState);
    }),
  );

  const restart = byName(instanceStateAnswer, async (ctx) => {
    const instance = instanceOf(ctx);
    await connection.restart(deps, instance);
    const current = (await deps.repos.instances.findById(instance.id)) ?? instance;
    ctx.body = instanceStateView(current.name, current.connectionStatus);
  });
  router.post('/restart/:instanceName', auth.instanceAccess, restart);
  router.put('/restart/:instanceName', auth.instanceAccess, restart);

  router.delete(
    '/logout/:instanceName',
    auth.instanceAccess,
    byName(instanceDoneAnswer, async (ctx) => {
      await connection.logout(deps, instanceOf(ctx));
      ctx.body = instanceDoneView('Instance logged out');
    }),
  );

  router.delete(
    '/delete/:instanceName',
    auth.instanceAccess,
    byName(instanceDoneAnswer, async (ctx) => {
      await connection.remove(deps, instanceOf(ctx));
      ctx.body = instanceDoneView('Instance deleted');
    }),
  );

  router.post(
    '/setPresence/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: setPresenceBody, status: 201, answer: presenceAnswer }, async (ctx, { body }) => {
      await connection.setPresence(deps, instanceOf(ctx), body.presence, body.number);
      ctx.body = { presence: body.presence };
    }),
  );

  return router;
}
