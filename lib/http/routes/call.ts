import Router from '@koa/router';
import { offerCallBody } from '../../schemas/call.js';
import { callOfferAnswer } from '../../schemas/call-answers.js';
import { instanceParams } from '../../schemas/common.js';
import { instanceOf } from '../auth.js';
import { respondJson } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

/** Evolution API v2's call route: a call offer that rings the contact, without media. */
export function callRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/call' });
  const { auth, supervisor } = deps;

  router.post(
    '/offer/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: offerCallBody, status: 201, answer: callOfferAnswer }, async (ctx, { body }) => {
      const { number, callDuration } = body;
      const offered = await supervisor.command(instanceOf(ctx), { kind: 'offer-call', number, isVideo: body.isVideo ?? false, callDuration });
      respondJson(ctx, offered, 201);
    }),
  );

  return router;
}
