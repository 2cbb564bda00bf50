import type Router from '@koa/router';
import type Koa from 'koa';

export interface RouteEntry {
  method: string;
  /** The path as declared, with its `:params`. */
  path: string;
  /** The route's middlewares in order, auth and validation among them. */
  middleware: readonly unknown[];
}

/** Every method and path the app's routers answer, read from the routers themselves. */
export function routeTable(app: Koa): RouteEntry[] {
  const entries: RouteEntry[] = [];
  for (const middleware of app.middleware) {
    const router = (middleware as { router?: Router }).router;
    if (!router) continue;
    for (const layer of router.stack) {
      for (const method of layer.methods) {
        // HEAD is answered for every GET; the router adds it by itself.
        if (method !== 'HEAD') entries.push({ method, path: String(layer.path), middleware: layer.stack });
      }
    }
  }
  return entries;
}
