import Router from '@koa/router';
import { SINK_NAMES } from '../../db/outbox.js';
import { instanceParams } from '../../schemas/common.js';
import { deadLettersQuery, replayBody } from '../../schemas/outbox.js';
import { deadLettersAnswer, deadLettersView, replayAnswer } from '../../schemas/outbox-answers.js';
import { instanceOf } from '../auth.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

/** Events that used up their retries, per instance: list them, put them back in line. */
export function outboxRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/outbox' });
  const { auth } = deps;

  router.get(
    '/deadLetters/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: deadLettersQuery, answer: deadLettersAnswer }, async (ctx, { query }) => {
      const instance = instanceOf(ctx);
      const { limit = 50, offset = 0 } = query;
      const page = await deps.outbox.deadLetters(instance.id, { limit, offset });
      ctx.body = deadLettersView(page, limit, offset);
    }),
  );

  router.post(
    '/replay/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: replayBody, answer: replayAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const replayed = await deps.outbox.replay(instance.id, body.ids ? [...body.ids] : undefined);
      if (replayed > 0) deps.sinks.wake([...SINK_NAMES]);
      ctx.body = { replayed };
    }),
  );

  return router;
}
