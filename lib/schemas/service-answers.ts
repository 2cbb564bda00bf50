import type { FromSchema } from 'json-schema-to-ts';
import type { WorkerState } from '../supervisor/supervisor.js';
import type { Plain, Satisfies } from './answer-check.js';

// The answers of the service routes (GET /, /verify-creds, /health*): their
// schemas for the API description, and the views that build them, checked
// against each other by the compiler.

/** One check of a health route. */
export interface HealthCheck {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export type WorkerCounts = Record<Exclude<WorkerState, 'stopped'>, number>;

const uptimeSeconds = { type: 'integer', description: 'Since the process started.' } as const;

const healthCheckAnswer = {
  type: 'object',
  required: ['ok', 'latencyMs'],
  properties: { ok: { type: 'boolean' }, latencyMs: { type: 'integer' }, error: { type: 'string', description: 'Why it failed.' } },
} as const;

export const serviceInfoAnswer = {
  type: 'object',
  required: ['status', 'message', 'name', 'version', 'clientName', 'manager', 'documentation', 'uptimeSeconds'],
  properties: {
    status: { const: 200 },
    message: { type: 'string' },
    name: { type: 'string' },
    version: { type: 'string' },
    clientName: { type: 'string' },
    manager: { type: 'string', format: 'uri', description: 'The manager page, as Evolution links its own.' },
    documentation: { type: 'string', format: 'uri', description: 'The API documentation (Swagger UI of /openapi.json).' },
    uptimeSeconds,
  },
} as const;

export const credentialsAnswer = {
  type: 'object',
  required: ['status', 'message', 'facebookAppId', 'facebookConfigId', 'facebookUserToken'],
  properties: {
    status: { const: 200 },
    message: { type: 'string' },
    facebookAppId: { type: ['string', 'null'] },
    facebookConfigId: { type: ['string', 'null'] },
    facebookUserToken: { type: ['string', 'null'] },
  },
} as const;

const count = { type: 'integer' } as const;

export const healthAnswer = {
  type: 'object',
  required: ['status', 'database', 'workers'],
  properties: {
    status: { enum: ['ok', 'degraded'] },
    database: healthCheckAnswer,
    workers: {
      type: 'object',
      required: ['starting', 'running', 'restarting', 'crashed', 'stopping'],
      description: 'Instance workers in each state.',
      properties: { starting: count, running: count, restarting: count, crashed: count, stopping: count },
    },
  },
} as const;

export const livenessAnswer = {
  type: 'object',
  required: ['status', 'uptimeSeconds'],
  properties: { status: { const: 'ok' }, uptimeSeconds },
} as const;

export const readinessAnswer = {
  type: 'object',
  required: ['status', 'failed', 'checks'],
  properties: {
    status: { enum: ['ok', 'unavailable'] },
    failed: { type: 'array', items: { type: 'string' }, description: 'The checks that failed: database, rabbitmq, nats, sqs.' },
    checks: { type: 'object', additionalProperties: healthCheckAnswer, description: 'Each check by name.' },
  },
} as const;

/** `origin` is how the client reached us (scheme, host, port): the links are built on it, as Evolution builds its own. */
export const serviceInfoView = (name: string, version: string, clientName: string, origin: string, uptime: number) => ({
  status: 200 as const,
  message: `${name} is running`,
  name,
  version,
  clientName,
  manager: `${origin}/manager`,
  documentation: `${origin}/docs`,
  uptimeSeconds: uptime,
});

export const credentialsView = (facebook: { appId: string | null; configId: string | null; userToken: string | null }) => ({
  status: 200 as const,
  message: 'Credentials are valid',
  facebookAppId: facebook.appId,
  facebookConfigId: facebook.configId,
  facebookUserToken: facebook.userToken,
});

export const healthView = (database: HealthCheck, workers: WorkerCounts) => ({
  status: database.ok ? ('ok' as const) : ('degraded' as const),
  database,
  workers,
});

export const livenessView = (uptime: number) => ({ status: 'ok' as const, uptimeSeconds: uptime });

export function readinessView(checks: Record<string, HealthCheck>) {
  const failed = Object.keys(checks).filter((name) => !checks[name].ok);
  return { status: failed.length === 0 ? ('ok' as const) : ('unavailable' as const), failed, checks };
}

export type ServiceInfoAnswer = Satisfies<ReturnType<typeof serviceInfoView>, FromSchema<typeof serviceInfoAnswer>>;
export type CredentialsAnswer = Satisfies<ReturnType<typeof credentialsView>, FromSchema<typeof credentialsAnswer>>;
export type HealthAnswer = Satisfies<Plain<ReturnType<typeof healthView>>, FromSchema<typeof healthAnswer>>;
export type LivenessAnswer = Satisfies<ReturnType<typeof livenessView>, FromSchema<typeof livenessAnswer>>;
export type ReadinessAnswer = Satisfies<Plain<ReturnType<typeof readinessView>>, FromSchema<typeof readinessAnswer>>;
