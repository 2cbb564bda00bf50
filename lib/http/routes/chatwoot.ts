import Router from '@koa/router';
import { AgentReplies } from '../../chatwoot/agent-replies.js';
import { bootstrapInbox } from '../../chatwoot/bootstrap.js';
import { notFound } from '../../errors.js';
import { notifyWorker } from '../../instances/connection.js';
import { CHATWOOT_UNSET_VIEW, chatwootFromSet } from '../../instance-config/chatwoot.js';
import { instanceParams } from '../../schemas/common.js';
import { setChatwootBody } from '../../schemas/chatwoot.js';
import { chatwootFindAnswer, chatwootSetAnswer, chatwootSetView, chatwootWebhookAnswer } from '../../schemas/chatwoot-answers.js';
import { instanceOf } from '../auth.js';
import { badRequest } from '../errors.js';
import { respondJson } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

export function chatwootRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/chatwoot' });
  const { auth } = deps;
  const serverUrl = deps.config.server.url;

  router.post(
    '/set/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: setChatwootBody, status: 201, answer: chatwootSetAnswer }, async (ctx, { body, blank }) => {
      const instance = instanceOf(ctx);
      const current = await deps.repos.chatwoot.find(instance.id);
      const config = chatwootFromSet(body, current?.value, instance.name, blank);
      await deps.repos.chatwoot.save(instance.id, config);
      deps.events.forget(instance);
      // The worker downloads received media when Chatwoot needs the files.
      await notifyWorker(deps, instance, 'reload-settings');
      void bootstrapInbox(deps, instance, config);
      respondJson(ctx, chatwootSetView(config, serverUrl, instance.name), 201);
    }),
  );

  router.get(
    '/find/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, answer: chatwootFindAnswer }, async (ctx) => {
      const instance = instanceOf(ctx);
      const stored = await deps.repos.chatwoot.find(instance.id);
      if (!stored) {
        respondJson(ctx, CHATWOOT_UNSET_VIEW);
        return;
      }
      respondJson(ctx, chatwootSetView(stored.value, serverUrl, instance.name));
    }),
  );

  // Chatwoot's calls carry no API key: the URL is what the inbox was made with.
  const replies = new AgentReplies(deps);
  if (deps.config.chatwoot.enabled) {
    void replies.resume().catch((error: unknown) => deps.logger.error({ err: error }, 'could not resume unsent chatwoot messages'));
  }
  router.post(
    '/webhook/:instanceName',
    validate({ params: instanceParams, answer: chatwootWebhookAnswer }, async (ctx, { params }) => {
      if (!deps.config.chatwoot.enabled) throw badRequest('Chatwoot is disabled');
      const instance = await deps.repos.instances.findByName(params.instanceName);
      if (!instance) throw notFound(`The "${params.instanceName}" instance does not exist`);
      const stored = await deps.repos.chatwoot.find(instance.id);
      // Evolution answers every call it takes, acted on or not, with this.
      if (stored?.value.enabled) await replies.accept(instance, stored.value, ctx.request.body);
      respondJson(ctx, { message: 'bot' });
    }),
  );

  return router;
}
