// Every environment variable the gateway reads, typed, with its default.
// The README's configuration table lists the same names; keep the two together.
import { canonicalEvent, type EventName } from './events/names.js';
import { allowEntryProblem, type MetricsAccess } from './metrics/access.js';

export type DatabaseConfig =
  | { client: 'sqlite'; filename: string }
  | {
      client: 'pg';
      connectionString: string;
      /** Most connections the pool opens, however many instances run. */
      poolMax: number;
    };

export interface Config {
  server: {
    port: number;
    host: string;
    url: string;
    bodyLimit: string;
  };
  apiKey: string;
  database: DatabaseConfig;
  /** Evolution's name for this installation, shown by GET / and in fetchInstances. */
  clientName: string;
  /** Meta app settings the Evolution manager reads from POST /verify-creds; null when unset. */
  facebook: {
    appId: string | null;
    configId: string | null;
    userToken: string | null;
  };
  logLevel: string;
  workers: {
    maxRestarts: number;
    restartWindowMs: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    requestTimeoutMs: number;
    /** How long a stopping worker may take to close its socket before it is terminated. */
    stopTimeoutMs: number;
    youngGenerationMb: number;
    oldGenerationMb: number;
    /** Workers started at the same time when the instances come back at boot. */
    restoreConcurrency: number;
  };
  shutdownTimeoutMs: number;
  /** The store: the one owner of the database for instance workers. */
  store: {
    batchMax: number;
    maxAttempts: number;
    retryBaseMs: number;
    retryMaxMs: number;
  };
  proxy: {
    testUrl: string;
    testTimeoutMs: number;
  };
  waBusiness: WaBusinessConfig;
  chatwoot: ChatwootServerConfig;
  whatsapp: WhatsAppConfig;
  events: EventsConfig;
  media: {
    maxBytes: number;
    downloadTimeoutMs: number;
  };
  /** GET /metrics: off unless asked for, as Evolution's PROMETHEUS_METRICS. */
  metrics: { enabled: boolean } & MetricsAccess;
}

/** Chatwoot switches for the whole server, with Evolution's names and defaults. */
/** Meta's WhatsApp Cloud API, for WHATSAPP-BUSINESS instances. */
export interface WaBusinessConfig {
  /** The Graph API host, without a trailing slash. */
  url: string;
  /** The Graph API version in every path, e.g. v20.0. */
  version: string;
  /** Template language when a send names none. */
  language: string;
  /** What Meta must send as hub.verify_token when it verifies the callback URL. */
  verifyToken: string;
  /** The Meta app's secret: when set, a callback without a valid X-Hub-Signature-256 is refused. */
  appSecret: string | null;
  timeoutMs: number;
  /** Calls Meta throttles are tried this many times in all, backing off from retryBaseMs. */
  retryAttempts: number;
  retryBaseMs: number;
  /** Tries of one stored callback before it is set aside (and tried again at the next start). */
  callbackAttempts: number;
  /** First wait before a failed callback is tried again; doubles each time, up to a minute. */
  callbackRetryMs: number;
}

export interface ChatwootServerConfig {
  /** Without it no instance's Chatwoot configuration is acted on. */
  enabled: boolean;
  /** A bot contact in each inbox posts connection news and QR codes. */
  botContact: boolean;
  messageRead: boolean;
  messageDelete: boolean;
  timeoutMs: number;
}

/** Event destinations configured for the whole server, and the outbox that feeds all of them. */
export interface EventsConfig {
  webhook: {
    globalEnabled: boolean;
    globalUrl: string;
    globalByEvents: boolean;
    globalEvents: EventName[];
    timeoutMs: number;
  };
  rabbitmq: {
    enabled: boolean;
    uri: string;
    exchangeName: string;
    globalEnabled: boolean;
    globalEvents: EventName[];
  };
  sqs: {
    enabled: boolean;
    endpoint: string | null;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    globalEnabled: boolean;
    globalEvents: EventName[];
    globalPrefix: string;
  };
  nats: {
    enabled: boolean;
    uri: string;
    globalEnabled: boolean;
    globalEvents: EventName[];
    globalPrefix: string;
  };
  outbox: {
    maxAttempts: number;
    retryBaseMs: number;
    retryMaxMs: number;
    retentionHours: number;
    pruneCron: string;
    /** Events committed together at most (group commit). */
    batchMax: number;
    /** How long the first event of a batch waits for others. */
    batchDelayMs: number;
    /** How often sinks look for rows whose retry time has come. */
    pollMs: number;
    /** Destinations (lanes) one sink delivers to at the same time. */
    concurrency: number;
  };
}

/** What an instance worker needs to open its WhatsApp Web connection. */
export interface WhatsAppConfig {
  websocketUrl: string;
  /** QR codes shown per connection attempt before giving up (state `close`). */
  qrcodeLimit: number;
  /** [client name, browser name, version] shown on the phone's linked devices list. */
  browser: [string, string, string];
  /** WhatsApp Web version to announce; null: the one Baileys ships with. */
  version: [number, number, number] | null;
  /** Ask WhatsApp for its current Web version at connect (needs internet). */
  fetchLatestVersion: boolean;
  /** Root key of the server's Noise certificate chain, base64; null: WhatsApp's own. */
  certPublicKey: string | null;
  /** host:port that media named only by a path (history sync chunks) is fetched from; null: WhatsApp's. */
  mediaHost: string | null;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  /** Lifetime of each QR code; null: Baileys' default (60 s, then 20 s). */
  qrTimeoutMs: number | null;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  baileysLogLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const value = this.env[name];
    return value === undefined || value === '' ? fallback : value;
  }

  required(name: string, hint: string): string {
    const value = this.env[name];
    if (value === undefined || value.trim() === '') {
      this.problems.push(`${name} is required: ${hint}`);
      return '';
    }
    return value;
  }

  integer(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  /** A comma-separated list of event names; empty means every event. */
  events(name: string): EventName[] {
    const raw = this.string(name, '');
    const names = raw.split(',').map((item) => item.trim().toUpperCase()).filter(Boolean);
    const unknown = names.filter((item) => !canonicalEvent(item));
    if (unknown.length > 0) this.problems.push(`${name} has unknown event names: ${unknown.join(', ')}`);
    return [...new Set(names.flatMap((item) => canonicalEvent(item) ?? []))];
  }

  url(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    try {
      new URL(value);
    } catch {
      this.problems.push(`${name} must be a URL (got "${value}")`);
    }
    return value;
  }
}

export const DEFAULT_SQLITE_FILE = './data/gateway.sqlite';

function databaseFrom(reader: Reader, raw: string): DatabaseConfig {
  if (raw === '') return { client: 'sqlite', filename: DEFAULT_SQLITE_FILE };
  if (/^postgres(ql)?:\/\//.test(raw)) {
    return { client: 'pg', connectionString: raw, poolMax: reader.integer('DATABASE_POOL_MAX', 10, 1, 1_000) };
  }
  const sqlite = /^(sqlite|file):(\/\/)?(.+)$/.exec(raw);
  if (sqlite) return { client: 'sqlite', filename: sqlite[3] };
  reader.problems.push(
    `DATABASE_URL must be postgres://..., postgresql://..., sqlite:<path> or file:<path> (got "${raw}")`,
  );
  return { client: 'sqlite', filename: DEFAULT_SQLITE_FILE };
}

/** Only the database part: what `npm run migrate` needs, without the rest being valid. */
export function databaseFromEnv(env: Env = process.env): DatabaseConfig {
  const read = new Reader(env);
  const database = databaseFrom(read, read.string('DATABASE_URL', ''));
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return database;
}

export function loadConfig(env: Env = process.env): Config {
  const read = new Reader(env);
  const port = read.integer('SERVER_PORT', 8080, 0, 65535);
  const config: Config = {
    server: {
      port,
      host: read.string('SERVER_HOST', '0.0.0.0'),
      url: read.url('SERVER_URL', `http://localhost:${port}`).replace(/\/+$/, ''),
      bodyLimit: read.string('SERVER_BODY_LIMIT', '50mb'),
    },
    apiKey: read.required(
      'AUTHENTICATION_API_KEY',
      'set it to a long random string; clients send it in the "apikey" header',
    ),
    database: databaseFrom(read, read.string('DATABASE_URL', '')),
    clientName: read.string('DATABASE_CONNECTION_CLIENT_NAME', 'evolution'),
    facebook: {
      appId: read.string('FACEBOOK_APP_ID', '') || null,
      configId: read.string('FACEBOOK_CONFIG_ID', '') || null,
      userToken: read.string('FACEBOOK_USER_TOKEN', '') || null,
    },
    logLevel: read.string('LOG_LEVEL', 'info'),
    workers: {
      maxRestarts: read.integer('WORKER_MAX_RESTARTS', 5, 0),
      restartWindowMs: read.integer('WORKER_RESTART_WINDOW_MS', 60_000, 1),
      backoffBaseMs: read.integer('WORKER_BACKOFF_BASE_MS', 500, 1),
      backoffMaxMs: read.integer('WORKER_BACKOFF_MAX_MS', 30_000, 1),
      requestTimeoutMs: read.integer('WORKER_REQUEST_TIMEOUT_MS', 15_000, 1),
      stopTimeoutMs: 0,
      youngGenerationMb: read.integer('WORKER_YOUNG_GENERATION_MB', 2, 1),
      oldGenerationMb: read.integer('WORKER_OLD_GENERATION_MB', 512, 32),
      restoreConcurrency: read.integer('RESTORE_CONCURRENCY', 2, 1),
    },
    shutdownTimeoutMs: read.integer('SHUTDOWN_TIMEOUT_MS', 8_000, 1),
    store: {
      batchMax: read.integer('STORE_BATCH_MAX', 500, 1, 10_000),
      maxAttempts: read.integer('STORE_MAX_ATTEMPTS', 12, 1),
      retryBaseMs: read.integer('STORE_RETRY_BASE_MS', 50, 1),
      retryMaxMs: read.integer('STORE_RETRY_MAX_MS', 5_000, 1),
    },
    proxy: {
      testUrl: read.url('PROXY_TEST_URL', 'https://icanhazip.com/'),
      testTimeoutMs: read.integer('PROXY_TEST_TIMEOUT_MS', 10_000, 1),
    },
    waBusiness: {
      url: read.url('WA_BUSINESS_URL', 'https://graph.facebook.com').replace(/\/+$/, ''),
      version: read.string('WA_BUSINESS_VERSION', 'v20.0'),
      language: read.string('WA_BUSINESS_LANGUAGE', 'en_US'),
      verifyToken: read.string('WA_BUSINESS_TOKEN_WEBHOOK', 'evolution'),
      appSecret: read.string('WA_BUSINESS_APP_SECRET', '') || null,
      timeoutMs: read.integer('WA_BUSINESS_TIMEOUT_MS', 15_000, 1),
      retryAttempts: read.integer('WA_BUSINESS_RETRY_ATTEMPTS', 5, 1),
      retryBaseMs: read.integer('WA_BUSINESS_RETRY_BASE_MS', 1_000, 1),
      callbackAttempts: read.integer('WA_BUSINESS_CALLBACK_ATTEMPTS', 10, 1),
      callbackRetryMs: read.integer('WA_BUSINESS_CALLBACK_RETRY_MS', 1_000, 1),
    },
    chatwoot: {
      enabled: read.boolean('CHATWOOT_ENABLED', false),
      botContact: read.boolean('CHATWOOT_BOT_CONTACT', true),
      messageRead: read.boolean('CHATWOOT_MESSAGE_READ', false),
      messageDelete: read.boolean('CHATWOOT_MESSAGE_DELETE', false),
      timeoutMs: read.integer('CHATWOOT_TIMEOUT_MS', 10_000, 1),
    },
    whatsapp: whatsappFrom(read),
    events: eventsFrom(read),
    media: {
      maxBytes: read.integer('MEDIA_MAX_MB', 64, 1, 2_048) * 1024 * 1024,
      downloadTimeoutMs: read.integer('MEDIA_DOWNLOAD_TIMEOUT_MS', 30_000, 1),
    },
    metrics: metricsFrom(read),
  };
  // A third of the shutdown budget by default, so that every worker can close within it.
  config.workers.stopTimeoutMs = read.integer('WORKER_STOP_TIMEOUT_MS', Math.min(3_000, Math.floor(config.shutdownTimeoutMs / 3)), 1);
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}

function metricsFrom(read: Reader): Config['metrics'] {
  const basicAuth = read.string('METRICS_AUTH', '') || null;
  if (basicAuth !== null && !/^[^:]+:.+$/.test(basicAuth)) {
    read.problems.push('METRICS_AUTH must look like user:password');
  }
  const allow = read.string('METRICS_ALLOW', '').split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of allow) {
    const problem = allowEntryProblem(entry);
    if (problem) read.problems.push(`METRICS_ALLOW: ${problem}`);
  }
  return { enabled: read.boolean('METRICS_ENABLED', false), basicAuth, allow };
}

function versionFrom(reader: Reader, raw: string): [number, number, number] | null {
  if (raw === '') return null;
  const parts = raw.split('.').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 0)) {
    reader.problems.push(`CONFIG_SESSION_PHONE_VERSION must look like 2.3000.1023204200 (got "${raw}")`);
    return null;
  }
  return [parts[0], parts[1], parts[2]];
}

function eventsFrom(read: Reader): EventsConfig {
  return {
    webhook: {
      globalEnabled: read.boolean('WEBHOOK_GLOBAL_ENABLED', false),
      globalUrl: read.string('WEBHOOK_GLOBAL_URL', ''),
      globalByEvents: read.boolean('WEBHOOK_GLOBAL_WEBHOOK_BY_EVENTS', false),
      globalEvents: read.events('WEBHOOK_GLOBAL_EVENTS'),
      timeoutMs: read.integer('WEBHOOK_TIMEOUT_MS', 10_000, 1),
    },
    rabbitmq: {
      enabled: read.boolean('RABBITMQ_ENABLED', false),
      uri: read.string('RABBITMQ_URI', 'amqp://guest:guest@127.0.0.1:5672'),
      exchangeName: read.string('RABBITMQ_EXCHANGE_NAME', 'evolution_exchange'),
      globalEnabled: read.boolean('RABBITMQ_GLOBAL_ENABLED', false),
      globalEvents: read.events('RABBITMQ_GLOBAL_EVENTS'),
    },
    sqs: {
      enabled: read.boolean('SQS_ENABLED', false),
      endpoint: read.string('SQS_ENDPOINT', '') || null,
      region: read.string('SQS_REGION', 'us-east-1'),
      accessKeyId: read.string('SQS_ACCESS_KEY_ID', ''),
      secretAccessKey: read.string('SQS_SECRET_ACCESS_KEY', ''),
      globalEnabled: read.boolean('SQS_GLOBAL_ENABLED', false),
      globalEvents: read.events('SQS_GLOBAL_EVENTS'),
      globalPrefix: read.string('SQS_GLOBAL_PREFIX', 'evolution'),
    },
    nats: {
      enabled: read.boolean('NATS_ENABLED', false),
      uri: read.string('NATS_URI', 'nats://127.0.0.1:4222'),
      globalEnabled: read.boolean('NATS_GLOBAL_ENABLED', false),
      globalEvents: read.events('NATS_GLOBAL_EVENTS'),
      globalPrefix: read.string('NATS_GLOBAL_PREFIX', 'evolution'),
    },
    outbox: {
      maxAttempts: read.integer('OUTBOX_MAX_ATTEMPTS', 10, 1),
      retryBaseMs: read.integer('OUTBOX_RETRY_BASE_MS', 1_000, 1),
      retryMaxMs: read.integer('OUTBOX_RETRY_MAX_MS', 300_000, 1),
      retentionHours: read.integer('OUTBOX_RETENTION_HOURS', 24, 0),
      pruneCron: read.string('OUTBOX_PRUNE_CRON', '*/15 * * * *'),
      batchMax: read.integer('OUTBOX_BATCH_MAX', 500, 1),
      batchDelayMs: read.integer('OUTBOX_BATCH_DELAY_MS', 2, 0),
      pollMs: read.integer('OUTBOX_POLL_MS', 500, 10),
      concurrency: read.integer('OUTBOX_CONCURRENCY', 32, 1),
    },
  };
}

function whatsappFrom(read: Reader): WhatsAppConfig {
  const qrTimeout = read.integer('WA_QR_TIMEOUT_MS', 0, 0);
  return {
    websocketUrl: read.url('WA_WEBSOCKET_URL', 'wss://web.whatsapp.com/ws/chat'),
    qrcodeLimit: read.integer('QRCODE_LIMIT', 30, 1),
    browser: [
      read.string('CONFIG_SESSION_PHONE_CLIENT', 'wa-gateway'),
      read.string('CONFIG_SESSION_PHONE_NAME', 'Chrome'),
      '1.0.0',
    ],
    version: versionFrom(read, read.string('CONFIG_SESSION_PHONE_VERSION', '')),
    fetchLatestVersion: read.boolean('WA_FETCH_LATEST_VERSION', false),
    certPublicKey: read.string('WA_CERT_PUBLIC_KEY', '') || null,
    mediaHost: read.string('WA_MEDIA_HOST', '') || null,
    connectTimeoutMs: read.integer('WA_CONNECT_TIMEOUT_MS', 20_000, 1),
    queryTimeoutMs: read.integer('WA_QUERY_TIMEOUT_MS', 60_000, 1),
    qrTimeoutMs: qrTimeout === 0 ? null : qrTimeout,
    reconnectBaseMs: read.integer('WA_RECONNECT_BASE_MS', 1_000, 1),
    reconnectMaxMs: read.integer('WA_RECONNECT_MAX_MS', 30_000, 1),
    baileysLogLevel: read.string('LOG_BAILEYS', 'error'),
  };
}

/**
 * For entry points: the value `read` builds from the environment, or the
 * process ends with status 1 after saying what is wrong with it.
 */
export function configuredOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee the Configuration section of README.md.\n`);
    process.exit(1);
  }
}
