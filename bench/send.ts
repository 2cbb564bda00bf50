// The API send path: sendText requests per second through HTTP → supervisor →
// worker → Baileys → the loopback WhatsApp emulator, beside a bare Koa + ajv
// server that validates the same body and answers at once, measured in the
// same run with the same client and concurrency.
//   npm run bench
//   BENCH_REQUESTS=2000 BENCH_CONCURRENCY=16 node dist/bench/send.js
//   BENCH_CPU_PROFILE_DIR=/tmp/prof node dist/bench/send.js   (V8 CPU profiles of the gateway's threads)
import Router from '@koa/router';
import { Ajv } from 'ajv';
import Koa from 'koa';
import { koaBody } from 'koa-body';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { sendTextBody } from '../lib/schemas/message.js';
import '../spec/support/quiet-signal.js';
import { API_KEY, GatewayProcess } from '../spec/support/gateway-process.js';
import { createPaired, emulatorEnv } from '../spec/support/paired.js';
import { WaEmulator } from '../spec/support/whatsapp-emulator/index.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const OWNER = '15550007000';
const CONTACT = '15550007001';

/** Sends REQUESTS posts with CONCURRENCY in flight; returns requests/s and the failures. */
async function load(url: string): Promise<{ perSecond: number; failed: number }> {
  const agent = new Agent({ connections: CONCURRENCY });
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      const i = next++;
      const response = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', apikey: API_KEY },
        body: JSON.stringify({ number: CONTACT, text: `bench message ${i}` }),
      });
      await response.body.dump();
      if (response.statusCode !== 201) failed += 1;
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await agent.close();
  return { perSecond: REQUESTS / seconds, failed };
}

/** Koa, koa-body and ajv with the same schema, and nothing behind them. */
async function bareKoa(): Promise<{ url: string; close(): Promise<void> }> {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(sendTextBody);
  const router = new Router();
  router.post('/message/sendText/:instanceName', (ctx) => {
    if (!validate(ctx.request.body)) {
      ctx.status = 400;
      ctx.body = { errors: validate.errors };
      return;
    }
    ctx.status = 201;
    ctx.body = { key: { remoteJid: `${CONTACT}@s.whatsapp.net`, fromMe: true, id: 'BENCH' }, status: 'PENDING' };
  });
  const app = new Koa().use(koaBody()).use(router.routes());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/message/sendText/bench`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

console.log(`send benchmark: ${REQUESTS} sendText requests, ${CONCURRENCY} in flight, node ${process.version}`);
const bare = await bareKoa();
const baseline = await load(bare.url);
await bare.close();

const wa = await WaEmulator.start({ media: false });
const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
const gateway = await GatewayProcess.start({
  env: { ...emulatorEnv(wa), LOG_LEVEL: 'info' },
  nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
});
try {
  await createPaired(gateway.api(), wa, 'bench', OWNER);
  wa.addContact(CONTACT, 'Bench contact');
  const through = await load(`${gateway.url}/message/sendText/bench`);
  let received = 0;
  const deadline = Date.now() + 30_000;
  while ((received = wa.receivedMessages(CONTACT).length) < REQUESTS - through.failed && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const ratio = (through.perSecond / baseline.perSecond) * 100;
  console.log(`  bare Koa + ajv, same body and schema (baseline)   ${baseline.perSecond.toFixed(0).padStart(7)} req/s`);
  console.log(
    `  gateway → worker → Baileys → emulator            ${through.perSecond.toFixed(0).padStart(7)} req/s  ${ratio.toFixed(1)}% of baseline, ` +
      `failed ${through.failed}, received by the contact ${received}`,
  );
} finally {
  await gateway.stop();
  gateway.removeData();
  await wa.stop();
}
