import Router from '@koa/router';
import { SINK_NAMES, type OutboxRow } from '../../db/outbox.js';
import { instanceParams } from '../../schemas/common.js';
import { deadLettersQuery, replayBody } from '../../schemas/outbox.js';
import { instanceOf } from '../auth.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

function deadLetterView(row: OutboxRow) {
  return {
    id: row.id,
    eventId: row.eventId,
    event: row.event,
    sink: row.sink,
    destination: row.destination,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

/** Events that used up their retries, per instance: list them, put them back in line. */
export function outboxRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/outbox' });
  const { auth } = deps;

  router.get(
    '/deadLetters/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: deadLettersQuery }, async (ctx, { query }) => {
      const instance = instanceOf(ctx);
      const { limit = 50, offset = 0 } = query;
      const page = await deps.outbox.deadLetters(instance.id, { limit, offset });
      ctx.body = { total: page.total, limit, offset, deadLetters: page.rows.map(deadLetterView) };
    }),
  );

  router.post(
    '/replay/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: replayBody }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const replayed = await deps.outbox.replay(instance.id, body.ids ? [...body.ids] : undefined);
      if (replayed > 0) deps.sinks.wake([...SINK_NAMES]);
      ctx.body = { replayed };
    }),
  );

  return router;
}
