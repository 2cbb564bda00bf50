import Koa from 'koa';
import { HttpMethodEnum, koaBody } from 'koa-body';
import type { Logger } from '../logger.js';
import { createAuth } from './auth.js';
import { errorMiddleware } from './error-middleware.js';
import { bodyReadFailed, guardBody, guardPathAndQuery } from './request-guard.js';
import type { RouteDeps } from './route-deps.js';
import { appStateRoutes } from './routes/app-state.js';
import { callRoutes } from './routes/call.js';
import { chatRoutes } from './routes/chat.js';
import { profileRoutes } from './routes/profile.js';
import { groupRoutes } from './routes/group.js';
import { chatwootRoutes } from './routes/chatwoot.js';
import { eventIntegrationRoutes } from './routes/event-integrations.js';
import { instanceRoutes } from './routes/instance.js';
import { messageRoutes } from './routes/message.js';
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

  app.use(errorMiddleware(logger));
  app.use(guardPathAndQuery());
  app.use(
    koaBody({
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
    }),
  );
  app.use(guardBody(['POST', 'PUT', 'PATCH', 'DELETE']));

  const routers = [
    serviceRoutes(routeDeps),
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
  ];
  for (const router of routers) app.use(router.routes()).use(router.allowedMethods());
  return app;
}
