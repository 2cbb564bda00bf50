import { expect } from 'chai';
import { GraphClient, type GraphClientConfig } from '../lib/cloud/graph-client.js';
import { GraphPeer } from './support/graph-peer/peer.js';
import { proxyAgent } from '../lib/proxy/agent.js';
import { HttpProxy } from './support/http-proxy.js';

describe('Graph API client against the Graph API peer', function () {
  let peer: GraphPeer;
  let config: GraphClientConfig;
  let token: string;
  let phoneId: string;

  before(async () => {
    peer = await GraphPeer.start();
    token = peer.addToken();
    phoneId = peer.addPhoneNumber({ verified_name: 'Shop' }).id;
    config = {
      url: peer.url,
      version: 'v20.0',
      timeoutMs: 5_000,
      retryAttempts: 4,
      retryBaseMs: 10,
    };
  });

  after(() => peer.stop());

  it('reads the phone number with the token, and reports a bad token as Meta does', async () => {
    const read = await new GraphClient(config, token).get<{ id: string; verified_name: string }>(`/${phoneId}`);
    expect(read).to.deep.include({ ok: true });
    expect(read.ok && read.value.verified_name).to.equal('Shop');
    const refused = await new GraphClient(config, 'not-a-token').get(`/${phoneId}`);
    expect(refused.ok).to.equal(false);
    if (refused.ok) return;
    expect(refused.status).to.equal(401);
    expect(refused.error?.code).to.equal(190);
    expect(refused.message).to.not.include('not-a-token');
  });

  it('waits out throttling and gives up after its attempts', async () => {
    const client = new GraphClient(config, token);
    const body = { json: { messaging_product: 'whatsapp', to: '5511999990000', type: 'text', text: { body: 'hi' } } };
    peer.rateLimit(2, 'throughput');
    const sent = await client.post<{ messages: { id: string }[] }>(`/${phoneId}/messages`, body);
    expect(sent.ok, JSON.stringify(sent)).to.equal(true);
    peer.rateLimit(4, 'pair');
    const gaveUp = await client.post(`/${phoneId}/messages`, body);
    expect(gaveUp.ok).to.equal(false);
    if (!gaveUp.ok) expect(gaveUp.error?.code).to.equal(131056);
  });

  it('uploads media as multipart and downloads it with the token, through an HTTP proxy', async () => {
    const proxy = await HttpProxy.start();
    try {
      const client = new GraphClient(config, token, proxyAgent({ enabled: true, protocol: 'http', host: '127.0.0.1', port: String(proxy.port), username: '', password: '' }, false));
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', 'image/png');
      form.set('file', new Blob([Buffer.from('89504e470d0a1a0a', 'hex')], { type: 'image/png' }), 'dot.png');
      const uploaded = await client.post<{ id: string }>(`/${phoneId}/media`, { form });
      expect(uploaded.ok, JSON.stringify(uploaded)).to.equal(true);
      if (!uploaded.ok) return;
      const info = await client.get<{ url: string }>(`/${uploaded.value.id}`);
      if (!info.ok) throw new Error(info.message);
      const bytes = await client.download(info.value.url);
      expect(bytes.ok && bytes.value.bytes.toString('hex')).to.equal('89504e470d0a1a0a');
      expect(proxy.seen.filter((r) => r.target.includes(`/${uploaded.value.id}`) || r.target.includes('/media'))).to.not.be.empty;
    } finally {
      await proxy.stop();
    }
  });
});
