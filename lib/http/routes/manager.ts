import { readFile } from 'node:fs/promises';
import Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError } from '../../errors.js';
import { answers, textAnswer } from '../openapi.js';

// The manager page: one HTML document and the script and style esbuild bundles
// from manager/ into dist/manager/ at build time. Nothing is fetched from
// elsewhere; the page calls the REST API on this origin with the key the
// person types in.

const BUNDLE_DIR = new URL('../../../manager/', import.meta.url);

/** Only this origin's script and style; images from data: URLs (the QR codes). */
export const MANAGER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>wa-gateway manager</title>
<link rel="stylesheet" href="/manager/app.css">
<script type="module" src="/manager/app.js"></script>
</head>
<body>
<div id="app"><noscript>The manager needs JavaScript.</noscript></div>
</body>
</html>
`;

const ASSETS = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
} as const;

type AssetName = keyof typeof ASSETS;

/** Read once: the bundle changes only with a new build, which means a restart. */
function assetLoader() {
  const cache = new Map<AssetName, Promise<Buffer>>();
  return (name: AssetName): Promise<Buffer> => {
    let loading = cache.get(name);
    if (!loading) {
      loading = readFile(new URL(name, BUNDLE_DIR));
      // A missing bundle may be built later; do not remember the failure.
      loading.catch(() => cache.delete(name));
      cache.set(name, loading);
    }
    return loading;
  };
}

function setPageHeaders(ctx: Context): void {
  ctx.set('Content-Security-Policy', MANAGER_CSP);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cache-Control', 'no-store');
}

/** GET /manager and its two bundled files; no key here, the page asks for it. */
export function managerRoutes(): Router {
  const router = new Router({ prefix: '/manager' });
  const load = assetLoader();

  router.get('/', answers(textAnswer('text/html', 'The manager page.'), (ctx: Context) => {
    setPageHeaders(ctx);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = PAGE;
  }));

  for (const name of Object.keys(ASSETS) as AssetName[]) {
    router.get(`/${name}`, answers(textAnswer(ASSETS[name], 'Part of the manager page, bundled at build time.'), async (ctx: Context) => {
      let content: Buffer;
      try {
        content = await load(name);
      } catch {
        throw new DomainError('unavailable', 'The manager page is not built: run npm run build');
      }
      setPageHeaders(ctx);
      ctx.type = ASSETS[name];
      ctx.body = content;
    }));
  }

  return router;
}
