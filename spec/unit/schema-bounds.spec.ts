import { expect } from 'chai';
import * as chat from '../../lib/schemas/chat.js';
import * as chatwoot from '../../lib/schemas/chatwoot.js';
import * as common from '../../lib/schemas/common.js';
import { setEventIntegrationBody } from '../../lib/schemas/event-integration.js';
import * as instance from '../../lib/schemas/instance.js';
import * as message from '../../lib/schemas/message.js';
import * as outbox from '../../lib/schemas/outbox.js';
import * as profile from '../../lib/schemas/profile.js';
import * as proxy from '../../lib/schemas/proxy.js';
import * as settings from '../../lib/schemas/settings.js';
import * as webhook from '../../lib/schemas/webhook.js';

type Schema = Record<string, unknown>;

/** Every subschema with its path, walked without assumptions about keywords. */
function* subschemas(schema: unknown, path: string): Generator<[string, Schema]> {
  if (Array.isArray(schema)) {
    for (const [index, item] of schema.entries()) yield* subschemas(item, `${path}[${index}]`);
    return;
  }
  if (schema === null || typeof schema !== 'object') return;
  yield [path, schema as Schema];
  for (const [key, value] of Object.entries(schema)) yield* subschemas(value, `${path}.${key}`);
}

function typesOf(schema: Schema): string[] {
  const type = schema.type;
  return Array.isArray(type) ? type.map(String) : typeof type === 'string' ? [type] : [];
}

const MODULES: Record<string, Record<string, unknown>> = {
  chat,
  chatwoot,
  common,
  instance,
  message,
  outbox,
  profile,
  proxy,
  settings,
  webhook,
  eventIntegration: { rabbitmq: setEventIntegrationBody('rabbitmq') },
};

describe('request schemas bound what storage holds', () => {
  it('give every number a minimum and a maximum (PostgreSQL refuses 1e300 in a numeric column)', () => {
    const unbounded: string[] = [];
    for (const [name, exports] of Object.entries(MODULES)) {
      for (const [path, schema] of subschemas(exports, name)) {
        const numeric = typesOf(schema).some((t) => t === 'number' || t === 'integer');
        // `enabled: { const: true }` and the like carry no type and are no numbers.
        if (numeric && (schema.minimum === undefined || schema.maximum === undefined)) unbounded.push(path);
      }
    }
    expect(unbounded).to.deep.equal([]);
  });

  it('keep the limits of the columns values are stored in', () => {
    expect(common.instanceName.maxLength).to.equal(100);
    expect(common.proxyHost.maxLength).to.equal(255);
    expect(common.recipientNumber.maxLength).to.equal(128);
    expect(message.messageKey.properties.id.maxLength).to.equal(128);
    expect(message.messageKey.properties.remoteJid.maxLength).to.equal(128);
    expect(common.INTEGER_COLUMN_MAX).to.equal(2_147_483_647);
  });

  it('take host names and IP addresses as proxy hosts, and nothing an agent cannot parse', () => {
    const host = new RegExp(common.HOST_PATTERN, 'u');
    for (const good of ['proxy.example.com', '127.0.0.1', 'my_proxy', 'localhost', '[::1]', '[2001:db8::1]', 'a-b.c']) expect(good, good).to.match(host);
    for (const bad of ['a b', 'a/b', 'a:80', 'user@host', '-a.com', '::1', '', 'a..b', 'ä.com']) expect(bad, bad).not.to.match(host);
  });
});
