import Router from '@koa/router';
import type { Next } from 'koa';
import type { CallbackIntake } from '../../cloud/callback-intake.js';
import { messagesChanges, validSignature } from '../../cloud/meta-webhook.js';
import type { WaBusinessConfig } from '../../config.js';
import { DomainError } from '../../errors.js';
import { metaCallbackBody, metaVerificationQuery } from '../../schemas/meta-webhook.js';
import { safeEqual, type AppContext } from '../auth.js';
import { forbidden } from '../errors.js';
import { answers, textAnswer } from '../openapi.js';
import { validate } from '../validate.js';

/** Where Meta calls: declared apart so the app can keep this route's raw body for the signature. */
export const META_WEBHOOK_PATH = '/webhook/meta';

export interface MetaWebhookDeps {
  config: { waBusiness: Pick<WaBusinessConfig, 'verifyToken' | 'appSecret'> };
  metaCallbacks: Pick<CallbackIntake, 'accept'>;
}

/**
 * With WA_BUSINESS_APP_SECRET set, only a body Meta signed is taken: a
 * missing signature is a 401, a wrong one a 403, and nothing is stored.
 */
function signedByMeta(appSecret: string | null) {
  return async function checkSignature(ctx: AppContext, next: Next): Promise<void> {
    if (appSecret) {
      const header = ctx.get('x-hub-signature-256');
      if (!header) throw new DomainError('unauthorized', 'X-Hub-Signature-256 is required');
      const raw = (ctx.request as { rawBody?: string }).rawBody ?? '';
      if (!validSignature(raw, header, appSecret)) throw forbidden('X-Hub-Signature-256 does not match the body');
    }
    await next();
  };
}

/**
 * Meta's Cloud API webhooks for WHATSAPP-BUSINESS instances. Meta calls these
 * without an apikey: the verify token and the body's signature stand for it.
 */
export function metaWebhookRoutes(deps: MetaWebhookDeps): Router {
  const router = new Router();
  const { verifyToken, appSecret } = deps.config.waBusiness;

  router.get(
    META_WEBHOOK_PATH,
    answers(textAnswer('text/plain', 'hub.challenge, echoed: Meta takes it as the proof.'), validate({ query: metaVerificationQuery }, (ctx, { query }) => {
      const token = query['hub.verify_token'];
      if (query['hub.mode'] !== 'subscribe' || token === undefined || !safeEqual(token, verifyToken)) {
        throw forbidden('The verify token does not match WA_BUSINESS_TOKEN_WEBHOOK');
      }
      ctx.type = 'text/plain';
      ctx.body = query['hub.challenge'] ?? '';
    })),
  );

  router.post(
    META_WEBHOOK_PATH,
    signedByMeta(appSecret),
    answers(textAnswer('text/plain', 'EVENT_RECEIVED, once the callback is stored.'), validate({ body: metaCallbackBody }, async (ctx) => {
      // The body as Meta sent it (validation leaves out blank fields). Stored
      // before the answer: after a 200 Meta does not send it again.
      await deps.metaCallbacks.accept(messagesChanges(ctx.request.body));
      ctx.type = 'text/plain';
      ctx.body = 'EVENT_RECEIVED';
    })),
  );

  return router;
}
