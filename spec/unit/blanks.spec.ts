import { expect } from 'chai';
import { withoutBlanks } from '../../lib/http/blanks.js';
import { setWebhookBody } from '../../lib/schemas/webhook.js';
import { createInstanceBody } from '../../lib/schemas/instance.js';
import { setProxyBody } from '../../lib/schemas/proxy.js';

describe('blank values from clients', () => {
  it('removes "" and null at every level the schema describes, and says which', () => {
    const blank = new Set<string>();
    const body = withoutBlanks(
      { instanceName: 'a', number: null, proxyPort: '', webhook: { url: '', byEvents: false }, events: ['', 'X'] },
      createInstanceBody,
      '',
      blank,
    );
    expect(body).to.deep.equal({ instanceName: 'a', webhook: { byEvents: false }, events: ['', 'X'] });
    expect([...blank].sort()).to.deep.equal(['number', 'proxyPort', 'webhook.url']);
  });

  it('keeps false and 0, which are values', () => {
    const body = withoutBlanks({ rejectCall: false, chatwootDaysLimitImportMessages: 0 }, createInstanceBody, '', new Set());
    expect(body).to.deep.equal({ rejectCall: false, chatwootDaysLimitImportMessages: 0 });
  });

  it('turns a set configuration off when its address is blank', () => {
    const blank = new Set<string>();
    expect(withoutBlanks({ webhook: { enabled: true, url: '' } }, setWebhookBody, '', blank)).to.deep.equal({ webhook: { enabled: false } });
    expect(blank.has('webhook.url')).to.equal(true);
    expect(withoutBlanks({ enabled: true, host: '', port: '' }, setProxyBody, '', new Set())).to.deep.equal({ enabled: false });
  });

  it('never copies a __proto__ key', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const body = withoutBlanks(parsed, undefined, '', new Set());
    expect(body).to.deep.equal({ a: 1 });
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});
