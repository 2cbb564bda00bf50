import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import type { InstanceRef } from '../lib/supervisor/supervisor.js';
import { eventually } from './support/eventually.js';
import { startInProcess, type InProcessGateway } from './support/in-process-gateway.js';
import { createPaired, emulatorEnv, waitForState } from './support/paired.js';
import { parseExposition, sampleValue, type Exposition } from './support/prometheus-text.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const NAME = 'metered';
const OWNER = '15550006100';
const CONTACT = '15550006101';
const LANE = { sink: 'webhook', instance: NAME };

async function getMetrics(running: InProcessGateway, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${running.gateway.port}/metrics`, { headers });
}

/** GET /metrics answered 200 in Prometheus' text format, parsed. */
async function scrape(running: InProcessGateway, headers: Record<string, string> = {}): Promise<Exposition> {
  const response = await getMetrics(running, headers);
  const text = await response.text();
  expect(response.status, text).to.equal(200);
  expect(response.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
  return parseExposition(text);
}

const basic = (credentials: string) => ({ authorization: `Basic ${Buffer.from(credentials).toString('base64')}` });

describe('GET /metrics', function () {
  this.timeout(120_000);

  describe('on a gateway with an instance, a webhook and traffic', () => {
    let wa: WaEmulator;
    let receiver: WebhookReceiver;
    let running: InProcessGateway;
    let instance: InstanceRef;

    const value = async (name: string, labels: Record<string, string> = {}) => sampleValue(await scrape(running), name, labels) ?? 0;
    const send = async (text: string) => {
      const sent = await running.api.post(`/message/sendText/${NAME}`, { number: CONTACT, text });
      expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    };

    before(async () => {
      wa = await WaEmulator.start({ media: false });
      receiver = await WebhookReceiver.start();
      running = await startInProcess({
        ...emulatorEnv(wa),
        METRICS_ENABLED: 'true',
        OUTBOX_POLL_MS: '50',
        OUTBOX_RETRY_BASE_MS: '50',
        OUTBOX_RETRY_MAX_MS: '200',
        OUTBOX_MAX_ATTEMPTS: '100000',
        WORKER_BACKOFF_BASE_MS: '5',
        WORKER_BACKOFF_MAX_MS: '50',
      });
      instance = { id: (await createPaired(running.api, wa, NAME, OWNER)).instanceId, name: NAME };
      wa.addContact(CONTACT, 'Mia Contact');
      const set = await running.api.post(`/webhook/set/${NAME}`, {
        webhook: { enabled: true, url: `${receiver.url}/hook`, events: ['SEND_MESSAGE'] },
      });
      expect(set.status, JSON.stringify(set.body)).to.equal(201);
    });

    after(async () => {
      await running?.stop();
      await receiver?.stop();
      await wa?.stop();
    });

    it('counts deliveries; the outbox of the sink and instance fills while the receiver is down and drains once it is back', async () => {
      const delivered = await value('wa_gateway_sink_deliveries_total', { sink: 'webhook', outcome: 'delivered' });
      await send('before the outage');
      await eventually(() => receiver.events().includes('send.message'), 10_000, 'the first event delivered');
      await eventually(async () => (await value('wa_gateway_sink_deliveries_total', { sink: 'webhook', outcome: 'delivered' })) > delivered, 5_000, 'the delivery counted');

      const { port } = new URL(receiver.url);
      await receiver.stop();
      for (let i = 0; i < 3; i += 1) await send(`during the outage ${i}`);
      let during: Exposition = new Map();
      await eventually(async () => {
        during = await scrape(running);
        return (sampleValue(during, 'wa_gateway_outbox_pending', LANE) ?? 0) >= 3;
      }, 10_000, 'three events waiting for the webhook');
      await eventually(async () => (await value('wa_gateway_sink_deliveries_total', { sink: 'webhook', outcome: 'retry' })) > 0, 5_000, 'failed attempts counted as retries');
      expect(sampleValue(await scrape(running), 'wa_gateway_outbox_oldest_pending_age_seconds', LANE)).to.be.above(0);
      expect(sampleValue(during, 'wa_gateway_outbox_dead_letters', { sink: 'webhook' })).to.equal(0);
      const deliveredBefore = sampleValue(during, 'wa_gateway_sink_deliveries_total', { sink: 'webhook', outcome: 'delivered' }) ?? 0;

      receiver = await WebhookReceiver.start(Number(port));
      await eventually(async () => {
        const after = await scrape(running);
        return sampleValue(after, 'wa_gateway_outbox_pending', LANE) === 0 && sampleValue(after, 'wa_gateway_outbox_oldest_pending_age_seconds', LANE) === 0;
      }, 15_000, 'the webhook lane drained');
      expect(await value('wa_gateway_sink_deliveries_total', { sink: 'webhook', outcome: 'delivered' })).to.be.at.least(deliveredBefore + 3);
      expect(receiver.events().filter((event) => event === 'send.message')).to.have.length.of.at.least(3);
    });

    it('counts a refused event as rejected and shows it among the dead letters until it is replayed', async () => {
      const dead = { sink: 'webhook' };
      const rejected = await value('wa_gateway_sink_deliveries_total', { sink: 'webhook', outcome: 'reject' });
      receiver.respondWith(() => 410);
      await send('refused');
      await eventually(async () => (await value('wa_gateway_outbox_dead_letters', dead)) === 1, 10_000, 'one dead letter');
      expect(await value('wa_gateway_sink_deliveries_total', { sink: 'webhook', outcome: 'reject' })).to.equal(rejected + 1);

      receiver.respondWith(() => 200);
      const replayed = await running.api.post(`/outbox/replay/${NAME}`, {});
      expect(replayed.body).to.deep.equal({ replayed: 1 });
      await eventually(async () => (await value('wa_gateway_outbox_dead_letters', dead)) === 0, 10_000, 'no dead letter after the replay');
    });

    it('counts a worker crash and the restart its restart policy schedules', async () => {
      const crashes = await value('wa_gateway_worker_crashes_total', { instance: NAME });
      const restarts = await value('wa_gateway_worker_restarts_total', { instance: NAME });
      expect(await gatewayInjects(running, instance)).to.equal(true);
      await eventually(async () => (await value('wa_gateway_worker_crashes_total', { instance: NAME })) === crashes + 1, 10_000, 'the crash counted');
      expect(await value('wa_gateway_worker_restarts_total', { instance: NAME })).to.equal(restarts + 1);
      await waitForState(running.api, NAME, 'open', 30_000);
      await eventually(async () => (await value('wa_gateway_workers', { state: 'running' })) === 1, 10_000, 'the worker running again');
    });

    it('times requests under their route template and status, never under the raw path', async () => {
      const route = { method: 'POST', route: '/message/sendText/:instanceName', status: '201' };
      const before = await value('wa_gateway_http_request_duration_seconds_count', route);
      await send('timed');
      const missing = await running.api.get('/instance/connectionState/no-such-instance-x9');
      expect(missing.status).to.equal(404);
      const unmatched = await running.api.get('/no/such/route-x9');
      expect(unmatched.status).to.equal(404);

      const metrics = await scrape(running);
      const family = metrics.get('wa_gateway_http_request_duration_seconds');
      expect(family?.type).to.equal('histogram');
      expect(sampleValue(metrics, 'wa_gateway_http_request_duration_seconds_count', route)).to.equal(before + 1);
      expect(sampleValue(metrics, 'wa_gateway_http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).to.equal(before + 1);
      expect(sampleValue(metrics, 'wa_gateway_http_request_duration_seconds_sum', route)).to.be.above(0);
      expect(sampleValue(metrics, 'wa_gateway_http_request_duration_seconds_count', { method: 'GET', route: '/instance/connectionState/:instanceName', status: '404' })).to.equal(1);
      expect(sampleValue(metrics, 'wa_gateway_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).to.be.at.least(1);
      const labelValues = [...metrics.values()].flatMap((f) => f.samples.flatMap((sample) => Object.values(sample.labels)));
      expect(labelValues.filter((label) => label.includes('x9')), 'raw paths in labels').to.deep.equal([]);
    });

    it('shows instances and workers by state, event loop lag and memory', async () => {
      const metrics = await scrape(running);
      expect(sampleValue(metrics, 'wa_gateway_instances', { state: 'open' })).to.equal(1);
      expect(sampleValue(metrics, 'wa_gateway_instances', { state: 'close' })).to.equal(0);
      expect(sampleValue(metrics, 'wa_gateway_workers', { state: 'crashed' })).to.equal(0);
      expect(metrics.get('nodejs_eventloop_lag_seconds')?.type).to.equal('gauge');
      expect(sampleValue(metrics, 'nodejs_eventloop_lag_p99_seconds')).to.be.a('number');
      expect(sampleValue(metrics, 'process_resident_memory_bytes')).to.be.above(0);
      expect(sampleValue(metrics, 'nodejs_heap_size_used_bytes')).to.be.above(0);
    });

    it('ends the series of an instance once it is deleted', async () => {
      expect(await value('wa_gateway_worker_crashes_total', { instance: NAME })).to.be.above(0);
      const deleted = await running.api.delete(`/instance/delete/${NAME}`);
      expect(deleted.status, JSON.stringify(deleted.body)).to.equal(200);
      const metrics = await scrape(running);
      const series = [...metrics.values()].flatMap((family) => family.samples.filter((sample) => sample.labels.instance === NAME));
      expect(series.map((sample) => sample.name)).to.deep.equal([]);
    });
  });

  describe('access', () => {
    const started: InProcessGateway[] = [];
    const start = async (env: Record<string, string>) => {
      const running = await startInProcess(env);
      started.push(running);
      return running;
    };

    afterEach(async () => {
      for (const running of started.splice(0)) await running.stop();
    });

    it('is 404 unless METRICS_ENABLED is true', async () => {
      const running = await start({});
      const response = await getMetrics(running);
      expect(response.status).to.equal(404);
    });

    it('asks for METRICS_AUTH credentials: 401 without or with wrong ones, 200 with them', async () => {
      const running = await start({ METRICS_ENABLED: 'true', METRICS_AUTH: 'prometheus:s3cret:with-colon' });
      const without = await getMetrics(running);
      expect(without.status).to.equal(401);
      expect(without.headers.get('www-authenticate')).to.match(/^Basic realm="metrics"/);
      expect((await getMetrics(running, basic('prometheus:wrong'))).status).to.equal(401);
      // The API key is not a way in.
      expect((await getMetrics(running, { apikey: running.api.key })).status).to.equal(401);
      const metrics = await scrape(running, basic('prometheus:s3cret:with-colon'));
      // A registry of its own: the other gateway of this process counted deliveries, this one none.
      expect(sampleValue(metrics, 'wa_gateway_sink_deliveries_total', { sink: 'webhook', outcome: 'delivered' })).to.equal(0);
    });

    it('answers 403 to an address outside METRICS_ALLOW, whatever X-Forwarded-For says', async () => {
      const refused = await start({ METRICS_ENABLED: 'true', METRICS_ALLOW: '10.0.0.0/8, 192.168.1.7' });
      const response = await getMetrics(refused, { 'x-forwarded-for': '10.1.2.3' });
      expect(response.status).to.equal(403);
      const body = (await response.json()) as { response: { message: string[] } };
      expect(body.response.message[0]).to.match(/address/);

      const allowed = await start({ METRICS_ENABLED: 'true', METRICS_ALLOW: '10.0.0.0/8,127.0.0.0/8', METRICS_AUTH: 'p:q' });
      expect((await getMetrics(allowed)).status, 'allowed address, no credentials').to.equal(401);
      await scrape(allowed, basic('p:q'));
      const address = allowed.gateway.server.address() as AddressInfo;
      expect(address.address).to.equal('127.0.0.1');
    });
  });
});

function gatewayInjects(running: InProcessGateway, instance: InstanceRef): Promise<boolean> {
  return running.gateway.supervisor.injectFault(instance, 'throw', 'metrics spec');
}
