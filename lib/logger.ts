import { pino, type Logger } from 'pino';

export type { Logger };

// Field names whose values are secrets wherever they appear in a log object.
const REDACT = [
  'apikey',
  'token',
  'hash',
  'password',
  'proxyPassword',
  'chatwootToken',
  'secret',
  '*.apikey',
  '*.token',
  '*.hash',
  '*.password',
  '*.proxyPassword',
  '*.chatwootToken',
  '*.secret',
  'headers.authorization',
  'req.headers.apikey',
  'req.headers.authorization',
];

export function createLogger(level: string, name = 'gateway'): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
  });
}

/** A child logger whose every line carries the instance name. */
export function instanceLogger(parent: Logger, instance: string): Logger {
  return parent.child({ instance });
}
