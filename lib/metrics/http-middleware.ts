import type { Context, Next } from 'koa';
import type { GatewayMetrics } from './metrics.js';

/** The route as declared (e.g. /message/sendText/:instanceName), set by the router that answered. */
function routeTemplate(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: string | RegExp })._matchedRoute;
  // Never the raw path: it holds instance names and ids, and every 404 would add a series.
  return typeof matched === 'string' ? matched : 'unmatched';
}

/** Times every request; mounted first so that the status is the one the client got. */
export function requestMetrics(metrics: GatewayMetrics) {
  return async function timeRequest(ctx: Context, next: Next): Promise<void> {
    const started = performance.now();
    try {
      await next();
    } finally {
      metrics.request(ctx.method, routeTemplate(ctx), ctx.status, (performance.now() - started) / 1000);
    }
  };
}
