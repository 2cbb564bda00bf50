import { pino, type Logger } from 'pino';
import { redactUrlCredentials } from './url-credentials.js';

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
  '*.headers.apikey',
  '*.headers.authorization',
];

export function createLogger(level: string, name = 'gateway'): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    // Field paths cannot catch a password inside a URL quoted in a message or an
    // error text (a webhook URL, a broker URI): the finished line is scrubbed.
    hooks: { streamWrite: redactUrlCredentials },
  });
}

/** A child logger whose every line carries the instance name. */
export function instanceLogger(parent: Logger, instance: string): Logger {
  return parent.child({ instance });
}
