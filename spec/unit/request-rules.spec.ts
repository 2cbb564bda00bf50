import { expect } from 'chai';
import { createInstanceBody } from '../../lib/schemas/instance.js';
import { instanceParams } from '../../lib/schemas/common.js';
import { compileBody, compileText, formatErrors } from '../../lib/http/validate.js';

describe('request rules', () => {
  const create = compileBody(createInstanceBody);
  const params = compileText(instanceParams);
  const messages = (body: unknown) => (create(body) ? [] : formatErrors(create.errors));

  it('accepts instance names Evolution accepts: spaces, accents, punctuation', () => {
    for (const name of ['Vendas São Paulo', 'loja #1', 'café?', 'a.b', 'amq.x', '50% off', 'ñandú', '日本']) {
      expect(params({ instanceName: name }), name).to.equal(true);
    }
  });

  it('refuses only names that cannot be one URL path segment, saying why', () => {
    for (const name of ['a/b', 'a\\b', '.', '..', 'a\u0000b', 'tab\there', '']) {
      expect(params({ instanceName: name }), JSON.stringify(name)).to.equal(false);
    }
    params({ instanceName: 'a/b' });
    expect(formatErrors(params.errors)).to.deep.equal([
      'instanceName must be usable as one URL path segment: no "/", "\\" or control characters, and not "." or ".."',
    ]);
  });

  it('names each missing Chatwoot field when Chatwoot is half configured', () => {
    expect(messages({ instanceName: 'a', chatwootUrl: 'https://c.example' })).to.deep.equal([
      'chatwootAccountId is required when Chatwoot is configured',
      'chatwootToken is required when Chatwoot is configured',
    ]);
    expect(messages({ instanceName: 'a', chatwootSignMsg: true })).to.have.length(3);
  });

  it('does not count switches left at their default as configuring Chatwoot', () => {
    expect(messages({ instanceName: 'a', chatwootSignMsg: false, chatwootReopenConversation: false })).to.deep.equal([]);
  });

  it('words type, enum and conditional rules with the field', () => {
    expect(messages({ instanceName: 'a', qrcode: 'yes' })).to.deep.equal(['qrcode must be a boolean']);
    expect(messages({ instanceName: 'a', proxyProtocol: 'ftp' })).to.deep.equal([
      'proxyProtocol must be one of: http, https, socks4, socks5, socks',
    ]);
    expect(messages({ instanceName: 'a', msgCall: 'busy' })).to.deep.equal(['rejectCall is required when msgCall is given']);
    expect(messages({ instanceName: 'a', integration: 'X' })).to.deep.equal([
      'Invalid integration: integration must be one of WHATSAPP-BAILEYS, WHATSAPP-BUSINESS',
    ]);
  });

  it('refuses webhook headers no HTTP client could send', () => {
    expect(messages({ instanceName: 'a', webhookHeaders: { 'bad name': 'x' } })).to.deep.equal(['webhookHeaders must be HTTP header names']);
    expect(messages({ instanceName: 'a', webhookHeaders: { 'x-ok': 'a\r\nInjected: 1' } })).to.deep.equal([
      'webhookHeaders.x-ok must be a header value without line breaks',
    ]);
    expect(messages({ instanceName: 'a', webhookHeaders: { authorization: 'Bearer t' } })).to.deep.equal([]);
  });
});
