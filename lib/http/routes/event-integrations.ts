import Router from '@koa/router';
import { brokerDestinations } from '../../dispatcher/destinations.js';
import { eventIntegrationFromSet, eventIntegrationView, type BrokerKind } from '../../instance-config/event-integration.js';
import { instanceParams } from '../../schemas/common.js';
import { setEventIntegrationBody } from '../../schemas/event-integration.js';
import { eventIntegrationFindAnswer, eventIntegrationSetAnswer } from '../../schemas/event-integration-answers.js';
import { instanceOf } from '../auth.js';
import { respondJson, withRow, withSavedRow } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

/** `/rabbitmq`, `/sqs` and `/nats` set/find: the same routes for each kind. */
export function eventIntegrationRoutes(deps: RouteDeps, kind: BrokerKind): Router {
  const router = new Router({ prefix: `/${kind}` });
  const { auth } = deps;

  router.post(
    '/set/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: setEventIntegrationBody(kind), status: 201, answer: eventIntegrationSetAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const value = eventIntegrationFromSet(body[kind]);
      await deps.repos.eventIntegrations.save(instance.id, kind, value);
      deps.events.forget(instance);
      const stored = await deps.repos.eventIntegrations.find(instance.id, kind);
      respondJson(ctx, withSavedRow(instance.id, stored, eventIntegrationView(value)), 201);
    }),
  );

  router.get(
    '/find/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, answer: eventIntegrationFindAnswer }, async (ctx) => {
      const instance = instanceOf(ctx);
      const stored = await deps.repos.eventIntegrations.find(instance.id, kind);
      // Where this instance's events go on the broker (named after its broker name).
      const destinations = brokerDestinations(kind, instance.brokerName);
      respondJson(ctx, stored ? { ...withRow(instance.id, stored, eventIntegrationView(stored)), destinations } : null);
    }),
  );

  return router;
}
