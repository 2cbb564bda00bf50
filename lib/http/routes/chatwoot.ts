import Router from '@koa/router';
import type { ChatwootConfig } from '../../db/chatwoot.js';
import { instanceParams } from '../../schemas/common.js';
import { setChatwootBody, type SetChatwootBody } from '../../schemas/chatwoot.js';
import { instanceOf, type AppContext } from '../auth.js';
import { chatwootView, chatwootWebhookUrl, respondJson } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

function chatwootFrom(body: SetChatwootBody, current: ChatwootConfig | undefined, instanceName: string): ChatwootConfig {
  const signMsg = body.signMsg ?? current?.signMsg ?? false;
  return {
    enabled: body.enabled ?? false,
    accountId: body.accountId !== undefined ? String(body.accountId) : (current?.accountId ?? ''),
    token: body.token ?? current?.token ?? '',
    url: (body.url ?? current?.url ?? '').replace(/\/+$/, ''),
    nameInbox: body.nameInbox || current?.nameInbox || instanceName,
    signMsg,
    // A delimiter only means something when messages are signed.
    signDelimiter: signMsg ? (body.signDelimiter ?? current?.signDelimiter ?? null) : null,
    number: body.number ?? current?.number ?? null,
    reopenConversation: body.reopenConversation ?? current?.reopenConversation ?? false,
    conversationPending: body.conversationPending ?? current?.conversationPending ?? false,
    mergeBrazilContacts: body.mergeBrazilContacts ?? current?.mergeBrazilContacts ?? false,
    importContacts: body.importContacts ?? current?.importContacts ?? false,
    importMessages: body.importMessages ?? current?.importMessages ?? false,
    daysLimitImportMessages: body.daysLimitImportMessages ?? current?.daysLimitImportMessages ?? 60,
    organization: body.organization ?? current?.organization ?? null,
    logo: body.logo ?? current?.logo ?? null,
    ignoreJids: body.ignoreJids ? [...body.ignoreJids] : (current?.ignoreJids ?? []),
  };
}

export function chatwootRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/chatwoot' });
  const { auth } = deps;
  const serverUrl = deps.config.server.url;

  router.post(
    '/set/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: setChatwootBody }),
    async (ctx: AppContext) => {
      const instance = instanceOf(ctx);
      const current = await deps.repos.chatwoot.find(instance.id);
      const config = chatwootFrom(ctx.request.body as SetChatwootBody, current?.value, instance.name);
      await deps.repos.chatwoot.save(instance.id, config);
      const view = chatwootView(config, serverUrl, instance.name);
      respondJson(ctx, { ...view, webhook_url: view.webhookUrl }, 201);
    },
  );

  router.get('/find/:instanceName', auth.instanceAccess, validate({ params: instanceParams }), async (ctx: AppContext) => {
    const instance = instanceOf(ctx);
    const stored = await deps.repos.chatwoot.find(instance.id);
    if (!stored) {
      // Evolution answers an unconfigured Chatwoot with this empty shape rather than null.
      respondJson(ctx, { enabled: false, url: '', accountId: '', token: '', signMsg: false, nameInbox: '', webhook_url: '' });
      return;
    }
    const view = chatwootView(stored.value, serverUrl, instance.name);
    respondJson(ctx, { ...view, webhook_url: chatwootWebhookUrl(serverUrl, instance.name) });
  });

  return router;
}
