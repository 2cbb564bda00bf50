import Router from '@koa/router';
import type { EventIntegrationKind } from '../../db/event-integrations.js';
import { brokerDestinations } from '../../dispatcher/destinations.js';
import type { EventName } from '../../events/names.js';
import { instanceParams } from '../../schemas/common.js';
import { setEventIntegrationBody, type EventIntegrationValue } from '../../schemas/event-integration.js';
import { instanceOf, type AppContext } from '../auth.js';
import { eventIntegrationView, respondJson } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

/** `/rabbitmq`, `/sqs` and `/nats` set/find: the same routes for each kind. */
export function eventIntegrationRoutes(deps: RouteDeps, kind: Exclude<EventIntegrationKind, 'websocket'>): Router {
  const router = new Router({ prefix: `/${kind}` });
  const { auth } = deps;

  router.post(
    '/set/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: setEventIntegrationBody(kind) }),
    async (ctx: AppContext) => {
      const instance = instanceOf(ctx);
      const body = (ctx.request.body as Record<string, EventIntegrationValue>)[kind];
      const value = { enabled: body.enabled, events: [...(body.events ?? [])] as EventName[] };
      await deps.repos.eventIntegrations.save(instance.id, kind, value);
      deps.events.forget(instance);
      const stored = await deps.repos.eventIntegrations.find(instance.id, kind);
      respondJson(ctx, { ...eventIntegrationView(value), createdAt: stored?.createdAt, updatedAt: stored?.updatedAt, instanceId: instance.id }, 201);
    },
  );

  router.get('/find/:instanceName', auth.instanceAccess, validate({ params: instanceParams }), async (ctx: AppContext) => {
    const instance = instanceOf(ctx);
    const stored = await deps.repos.eventIntegrations.find(instance.id, kind);
    // Where this instance's events go on the broker (named after its broker name).
    const destinations = brokerDestinations(kind, instance.brokerName);
    respondJson(
      ctx,
      stored
        ? { ...eventIntegrationView(stored), createdAt: stored.createdAt, updatedAt: stored.updatedAt, instanceId: instance.id, destinations }
        : null,
    );
  });

  return router;
}
