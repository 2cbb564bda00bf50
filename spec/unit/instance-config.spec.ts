import { expect } from 'chai';
import { chatwootFromCreate, chatwootFromSet, type ChatwootConfig } from '../../lib/instance-config/chatwoot.js';
import { brokersFromCreate } from '../../lib/instance-config/event-integration.js';
import { proxyFromCreate, proxyFromSet } from '../../lib/instance-config/proxy.js';
import { DEFAULT_SETTINGS, settingsFromCreate, settingsFromSet } from '../../lib/instance-config/settings.js';
import { webhookFromCreate, webhookFromSet } from '../../lib/instance-config/webhook.js';
import { instanceSpecFrom } from '../../lib/instances/spec.js';

describe('instance configuration from request bodies', () => {
  it('takes settings from create and keeps unset fields on a set', () => {
    expect(settingsFromCreate({ instanceName: 'a', rejectCall: true, msgCall: 'busy' })).to.deep.equal({
      ...DEFAULT_SETTINGS,
      rejectCall: true,
      msgCall: 'busy',
    });
    const current = { ...DEFAULT_SETTINGS, readMessages: true };
    expect(settingsFromSet({ alwaysOnline: true }, current)).to.deep.equal({ ...current, alwaysOnline: true });
  });

  it('reads "socks" as SOCKS5 and a port given as a number as text', () => {
    expect(proxyFromCreate({ instanceName: 'a', proxyHost: 'p.example', proxyPort: 1080, proxyProtocol: 'socks' })).to.deep.equal({
      enabled: true,
      host: 'p.example',
      port: '1080',
      protocol: 'socks5',
      username: '',
      password: '',
    });
    expect(proxyFromCreate({ instanceName: 'a' })).to.equal(null);
    expect(proxyFromSet({ enabled: true, host: 'h', port: '8080' }).protocol).to.equal('http');
    expect(proxyFromSet({ enabled: false, host: 'h', port: '8080' }).enabled).to.equal(false);
  });

  it('merges the flat and nested webhook forms, nested winning', () => {
    const webhook = webhookFromCreate({
      instanceName: 'a',
      webhookUrl: 'http://flat.example/',
      webhookByEvents: true,
      webhook: { url: 'http://nested.example/', events: ['MESSAGES_UPSERT'] },
    });
    expect(webhook).to.include({ url: 'http://nested.example/', byEvents: true, enabled: true });
    expect(webhook?.events).to.deep.equal(['MESSAGES_UPSERT']);
    expect(webhookFromCreate({ instanceName: 'a' })).to.equal(null);
  });

  it('clears the webhook url and secret only when the client sent them blank', () => {
    const current = { enabled: true, url: 'http://a.example/', headers: {}, byEvents: false, base64: false, events: [], secret: 's' };
    expect(webhookFromSet({ enabled: true }, current, new Set())).to.include({ url: 'http://a.example/', secret: 's' });
    const cleared = webhookFromSet({ enabled: false }, current, new Set(['webhook.url', 'webhook.secret']));
    expect(cleared).to.include({ enabled: false, url: '', secret: null });
  });

  it('reads each broker from its nested object or its flat fields', () => {
    expect(
      brokersFromCreate({ instanceName: 'a', rabbitmqEnabled: true, sqs: { enabled: true, events: ['CALL'] }, sqsEnabled: false }),
    ).to.deep.equal({ rabbitmq: { enabled: true, events: [] }, sqs: { enabled: true, events: ['CALL'] } });
  });

  it('configures Chatwoot only with account, token and url, named after the instance by default', () => {
    const config = chatwootFromCreate({
      instanceName: 'sales',
      number: '+55 11 99999-0000',
      chatwootAccountId: '7',
      chatwootToken: 't',
      chatwootUrl: 'https://chat.example/',
    });
    expect(config).to.include({ accountId: '7', url: 'https://chat.example', nameInbox: 'sales', number: '5511999990000', daysLimitImportMessages: 60 });
    expect(chatwootFromCreate({ instanceName: 'sales', chatwootAccountId: '7' })).to.equal(null);
  });

  it('switches Chatwoot off and forgets a field sent blank on a set', () => {
    const current = chatwootFromCreate({ instanceName: 's', chatwootAccountId: 1, chatwootToken: 't', chatwootUrl: 'https://c.example' }) as ChatwootConfig;
    const next = chatwootFromSet({ enabled: false, signMsg: true }, current, 's', new Set(['accountId']));
    expect(next).to.include({ enabled: false, accountId: '', token: 't', signMsg: true });
  });

  it('builds a whole instance spec, generating a token when none is given', () => {
    const spec = instanceSpecFrom({ instanceName: 'Vendas São Paulo', number: '+55 11 98888-7777' });
    expect(spec.name).to.equal('Vendas São Paulo');
    expect(spec.number).to.equal('5511988887777');
    expect(spec.token).to.match(/^[0-9A-F-]{36}$/);
    expect(spec.integration).to.equal('WHATSAPP-BAILEYS');
  });
});
