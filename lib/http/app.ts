import Koa from 'koa';
import { HttpMethodEnum, koaBody } from 'koa-body';
import type { Logger } from '../logger.js';
import { createAuth } from './auth.js';
import { openApiDocument } from './openapi.js';
import { routeTable } from './route-table.js';
import { errorMiddleware } from './error-middleware.js';
import { bodyReadFailed, guardBody, guardPathAndQuery } from './request-guard.js';
import type { RouteDeps } from './route-deps.js';
import { appStateRoutes } from './routes/app-state.js';
import { callRoutes } from './routes/call.js';
import { chatRoutes } from './routes/chat.js';
import { profileRoutes } from './routes/profile.js';
import { groupRoutes } from './routes/group.js';
import { chatwootRoutes } from './routes/chatwoot.js';
import { docsRoutes } from './routes/docs.js';
import { eventIntegrationRoutes } from './routes/event-integrations.js';
import { instanceRoutes } from './routes/instance.js';
import { managerRoutes } from './routes/manager.js';
import { messageRoutes } from './routes/message.js';
import { metricsRoutes } from './routes/metrics.js';
import { requestMetrics } from '../metrics/http-middleware.js';
import { META_WEBHOOK_PATH, metaWebhookRoutes } from './routes/meta-webhook.js';
import { outboxRoutes } from './routes/outbox.js';
import { proxyRoutes } from './routes/proxy.js';
import { serviceRoutes } from './routes/service.js';
import { settingsRoutes } from './routes/settings.js';
import { templateRoutes } from './routes/template.js';
import { webhookRoutes } from './routes/webhook.js';

export type AppDeps = Omit<RouteDeps, 'auth'>;

export function createApp(deps: AppDeps, logger: Logger): Koa {
  const app = new Koa();
  app.proxy = true;
  app.silent = true; // errorMiddleware logs what needs logging
  const routeDeps: RouteDeps = { ...deps, auth: createAuth(deps.config.apiKey, deps.repos.instances) };

  // First, to time the whole request and see the status the client gets.
  if (deps.metrics) app.use(requestMetrics(deps.metrics));
  app.use(errorMiddleware(logger));
  app.use(guardPathAndQuery());
  const parserOptions = {
    json: true,
    jsonStrict: true,
    urlencoded: true,
    text: false,
    multipart: false,
    // Evolution's deleteMessageForEveryone sends its key in a DELETE body.
    parsedMethods: [HttpMethodEnum.POST, HttpMethodEnum.PUT, HttpMethodEnum.PATCH, HttpMethodEnum.DELETE],
    jsonLimit: deps.config.server.bodyLimit,
    formLimit: deps.config.server.bodyLimit,
    onError: bodyReadFailed,
  };
  const parser = koaBody(parserOptions);
  // Meta signs the bytes it sends: that route keeps them beside the parsed body.
  const keepingRaw = koaBody({ ...parserOptions, includeUnparsed: true });
  app.use((ctx, next) => (ctx.path.replace(/\/+$/, '') === META_WEBHOOK_PATH ? keepingRaw(ctx, next) : parser(ctx, next)));
  app.use(guardBody(['POST', 'PUT', 'PATCH', 'DELETE']));

  let document: object | undefined;
  const routers = [
    serviceRoutes(routeDeps),
    docsRoutes(() => document),
    instanceRoutes(routeDeps),
    settingsRoutes(routeDeps),
    proxyRoutes(routeDeps),
    webhookRoutes(routeDeps),
    eventIntegrationRoutes(routeDeps, 'rabbitmq'),
    eventIntegrationRoutes(routeDeps, 'sqs'),
    eventIntegrationRoutes(routeDeps, 'nats'),
    chatwootRoutes(routeDeps),
    outboxRoutes(routeDeps),
    messageRoutes(routeDeps),
    chatRoutes(routeDeps),
    profileRoutes(routeDeps),
    ...appStateRoutes(routeDeps),
    groupRoutes(routeDeps),
    callRoutes(routeDeps),
    templateRoutes(routeDeps),
    ...(deps.metrics ? [metricsRoutes(routeDeps, deps.metrics)] : []),
    managerRoutes(),
    metaWebhookRoutes(routeDeps),
  ];
  for (const router of routers) app.use(router.routes()).use(router.allowedMethods());
  // Once every router is mounted: the description covers all of them, its own routes included.
  document = openApiDocument(routeTable(app), { version: deps.version });
  return app;
}
