import Router from '@koa/router';
import type { Context } from 'koa';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { answers, textAnswer } from '../openapi.js';

const require = createRequire(import.meta.url);
const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

/** The files of swagger-ui-dist the page loads, served from the package: no CDN, works offline. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

// validatorUrl null: Swagger UI would otherwise send the document to a public validator.
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>wa-gateway API</title>
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

/**
 * The API description (no key: it says what exists, not what is stored) and a
 * page rendering it. `document` is read per request: it is generated once the
 * app has all its routers, these included.
 */
export function docsRoutes(document: () => object | undefined): Router {
  const router = new Router();

  const openApi = { type: 'object', required: ['openapi', 'info', 'paths'], description: 'This OpenAPI 3.1 document.' } as const;
  router.get('/openapi.json', answers({ body: openApi }, (ctx: Context) => {
    ctx.body = document();
  }));

  router.get('/docs', answers(textAnswer('text/html', 'The Swagger UI page.'), (ctx: Context) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = PAGE;
  }));

  router.get('/docs/init.js', answers(textAnswer('text/javascript', 'The script that starts Swagger UI on /openapi.json.'), (ctx: Context) => {
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.body = INIT_SCRIPT;
  }));

  for (const [file, type] of Object.entries(ASSETS)) {
    router.get(`/docs/${file}`, answers(textAnswer(type, 'A file of swagger-ui-dist.'), (ctx: Context) => {
      ctx.type = type;
      ctx.set('Cache-Control', 'public, max-age=86400');
      ctx.body = createReadStream(join(SWAGGER_UI_DIR, file));
    }));
  }

  return router;
}
