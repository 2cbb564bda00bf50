import Router from '@koa/router';
import type { Context } from 'koa';
import { withTimeout } from '../../actor/actor.js';
import {
  credentialsAnswer,
  credentialsView,
  healthAnswer,
  healthView,
  livenessAnswer,
  livenessView,
  readinessAnswer,
  readinessView,
  serviceInfoAnswer,
  serviceInfoView,
  type HealthCheck,
  type WorkerCounts,
} from '../../schemas/service-answers.js';
import type { WorkerState } from '../../supervisor/supervisor.js';
import { answers } from '../openapi.js';
import type { RouteDeps } from '../route-deps.js';

export const SERVICE_NAME = 'wa-gateway';

/** How long each readiness check may take: orchestrators probe with a timeout of a few seconds. */
const READY_PROBE_TIMEOUT_MS = 2_000;

async function databaseAnswers(deps: RouteDeps): Promise<HealthCheck> {
  const started = performance.now();
  try {
    await withTimeout(deps.db.raw('select 1'), READY_PROBE_TIMEOUT_MS, 'database ping');
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

function countStates(states: Map<string, WorkerState>): WorkerCounts {
  const counts = { starting: 0, running: 0, restarting: 0, crashed: 0, stopping: 0 };
  for (const state of states.values()) if (state !== 'stopped') counts[state] += 1;
  return counts;
}

/** Service info and health (no key), for load balancers and systemd checks; the credentials check. */
export function serviceRoutes(deps: RouteDeps): Router {
  const router = new Router();
  const startedAt = Date.now();

  const uptime = () => Math.round((Date.now() - startedAt) / 1000);

  router.get('/', answers({ body: serviceInfoAnswer }, (ctx: Context) => {
    ctx.body = serviceInfoView(SERVICE_NAME, deps.version, deps.config.clientName, `${ctx.protocol}://${ctx.host}`, uptime());
  }));

  // The Evolution manager's login check: the global key only, as Evolution's guard has it.
  router.post('/verify-creds', deps.auth.globalOnly, answers({ body: credentialsAnswer }, (ctx: Context) => {
    ctx.body = credentialsView(deps.config.facebook);
  }));

  const degraded = 'The database does not answer (status "degraded")';
  router.get('/health', answers({ body: healthAnswer, statuses: { 503: degraded } }, async (ctx: Context) => {
    const [database, workers] = await Promise.all([databaseAnswers(deps), deps.supervisor.snapshot()]);
    ctx.status = database.ok ? 200 : 503;
    ctx.body = healthView(database, countStates(workers));
  }));

  // Liveness: the process answers. Nothing outside it is asked, so an orchestrator
  // does not restart the gateway for a database or broker outage.
  router.get('/health/live', answers({ body: livenessAnswer }, (ctx: Context) => {
    ctx.body = livenessView(uptime());
  }));

  // Readiness: the database answers a query and every enabled broker sink reaches its broker.
  const notReady = 'Not ready: `failed` names the checks that failed (database, rabbitmq, nats, sqs)';
  router.get('/health/ready', answers({ body: readinessAnswer, statuses: { 503: notReady } }, async (ctx: Context) => {
    const [database, brokers] = await Promise.all([databaseAnswers(deps), deps.sinks.brokers(READY_PROBE_TIMEOUT_MS)]);
    const checks: Record<string, HealthCheck> = { database };
    for (const { name, ...check } of brokers) checks[name] = check;
    const ready = readinessView(checks);
    ctx.status = ready.failed.length === 0 ? 200 : 503;
    ctx.body = ready;
  }));

  return router;
}
