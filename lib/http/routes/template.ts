import Router from '@koa/router';
import { instanceParams } from '../../schemas/common.js';
import { createTemplateBody } from '../../schemas/template.js';
import { templateAnswer, templateListAnswer } from '../../schemas/template-answers.js';
import { instanceOf } from '../auth.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

/**
 * Evolution's template routes: Meta message templates of a WHATSAPP-BUSINESS
 * instance's business account (a Baileys instance answers 400, as in Evolution).
 */
export function templateRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/template' });
  const { auth, supervisor } = deps;

  router.post(
    '/create/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: createTemplateBody, status: 201, answer: templateAnswer }, async (ctx, { body }) => {
      const template = {
        name: body.name,
        category: body.category,
        allowCategoryChange: body.allowCategoryChange,
        language: body.language,
        components: body.components.map((component) => ({ ...component })),
        webhookUrl: body.webhookUrl,
      };
      ctx.body = await supervisor.command(instanceOf(ctx), { kind: 'template-create', template });
    }),
  );

  router.get(
    '/find/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, answer: templateListAnswer }, async (ctx) => {
      ctx.body = await supervisor.command(instanceOf(ctx), { kind: 'template-find' });
    }),
  );

  return router;
}
