import Router from '@koa/router';
import type { Context } from 'koa';
import { metricsAccess } from '../../metrics/access.js';
import type { GatewayMetrics } from '../../metrics/metrics.js';
import { answers, textAnswer } from '../openapi.js';
import type { RouteDeps } from '../route-deps.js';

/** GET /metrics in Prometheus' text format; mounted only when METRICS_ENABLED is true. */
export function metricsRoutes(deps: RouteDeps, metrics: GatewayMetrics): Router {
  const router = new Router();
  const sources = {
    instances: () => deps.repos.instances.summaries(),
    workers: () => deps.supervisor.snapshot(),
    backlog: () => deps.outbox.backlog(),
  };
  const exposition = textAnswer(metrics.contentType, "Prometheus' text exposition format.");
  router.get('/metrics', metricsAccess(deps.config.metrics), answers(exposition, async (ctx: Context) => {
    const text = await metrics.scrape(sources);
    ctx.type = metrics.contentType;
    ctx.body = text;
  }));
  return router;
}
