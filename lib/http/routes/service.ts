import Router from '@koa/router';
import type { Context } from 'koa';
import { withTimeout } from '../../actor/actor.js';
import type { WorkerState } from '../../supervisor/supervisor.js';
import { answers } from '../openapi.js';
import type { RouteDeps } from '../route-deps.js';

export const SERVICE_NAME = 'wa-gateway';

/** How long each readiness check may take: orchestrators probe with a timeout of a few seconds. */
const READY_PROBE_TIMEOUT_MS = 2_000;

interface Check {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function databaseAnswers(deps: RouteDeps): Promise<Check> {
  const started = performance.now();
  try {
    await withTimeout(deps.db.raw('select 1'), READY_PROBE_TIMEOUT_MS, 'database ping');
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

function countStates(states: Map<string, WorkerState>): Record<Exclude<WorkerState, 'stopped'>, number> {
  const counts = { starting: 0, running: 0, restarting: 0, crashed: 0, stopping: 0 };
  for (const state of states.values()) if (state !== 'stopped') counts[state] += 1;
  return counts;
}

/** Service info and health (no key), for load balancers and systemd checks; the credentials check. */
export function serviceRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const startedAt = Date.now();

  router.get('/', (ctx: Context) => {
    ctx.body = {
      status: 200,
      message: `${SERVICE_NAME} is running`,
      name: SERVICE_NAME,
      version: deps.version,
      clientName: deps.config.clientName,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    };
  });

  // The Evolution manager's login check: the global key only, as Evolution's guard has it.
  router.post('/verify-creds', deps.auth.globalOnly, (ctx: Context) => {
    const { facebook } = deps.config;
    ctx.body = {
      status: 200,
      message: 'Credentials are valid',
      facebookAppId: facebook.appId,
      facebookConfigId: facebook.configId,
      facebookUserToken: facebook.userToken,
    };
  });

  router.get('/health', answers({ 503: 'The database does not answer (status "degraded")' }, async (ctx: Context) => {
    const [database, workers] = await Promise.all([databaseAnswers(deps), deps.supervisor.snapshot()]);
    ctx.status = database.ok ? 200 : 503;
    ctx.body = {
      status: database.ok ? 'ok' : 'degraded',
      database,
      workers: countStates(workers),
    };
  }));

  // Liveness: the process answers. Nothing outside it is asked, so an orchestrator
  // does not restart the gateway for a database or broker outage.
  router.get('/health/live', (ctx: Context) => {
    ctx.body = { status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
  });

  // Readiness: the database answers a query and every enabled broker sink reaches its broker.
  const notReady = 'Not ready: `failed` names the checks that failed (database, rabbitmq, nats, sqs)';
  router.get('/health/ready', answers({ 503: notReady }, async (ctx: Context) => {
    const [database, brokers] = await Promise.all([databaseAnswers(deps), deps.sinks.brokers(READY_PROBE_TIMEOUT_MS)]);
    const checks: Record<string, Check> = { database };
    for (const { name, ...check } of brokers) checks[name] = check;
    const failed = Object.keys(checks).filter((name) => !checks[name].ok);
    ctx.status = failed.length === 0 ? 200 : 503;
    ctx.body = { status: failed.length === 0 ? 'ok' : 'unavailable', failed, checks };
  }));

  return router;
}
