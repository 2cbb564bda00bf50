import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { expect } from 'chai';
import { startFauxqs } from 'fauxqs';
import { randomBytes } from 'node:crypto';
import { connect as natsConnect, type NatsConnection } from 'nats';
import { brokerName } from '../lib/events/broker-name.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { NATS, RABBITMQ, requireService } from './support/services.js';

type Fauxqs = Awaited<ReturnType<typeof startFauxqs>>;

/** What a subscriber received: the envelope's instance and event. */
interface Seen {
  instance: string;
  event: string;
}

/** The events each tenant produces here: its create, then its delete. */
const LIFE = ['instance.create', 'remove.instance', 'instance.delete'];
const SQS_EVENTS = ['instance_create', 'remove_instance', 'instance_delete'];

const path = (name: string) => encodeURIComponent(name);
const seen = (body: string | Buffer | Uint8Array): Seen => {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  const envelope = JSON.parse(text) as { instance: string; event: string };
  return { instance: envelope.instance, event: envelope.event };
};

describe('tenants stay apart on every broker', function () {
  this.timeout(60_000);
  const suffix = randomBytes(3).toString('hex');
  const base = `acme${suffix}`;
  const tenants = [
    base,
    `${base}.eu`,
    `${base}_eu`,
    `${base}-eu-x`,
    `amq.${suffix}`,
    `${base}.${'x'.repeat(100 - base.length - 1)}`,
  ];
  const refused = `refused${suffix}`;
  let gateway: GatewayProcess;
  let fauxqs: Fauxqs;
  let sqs: SQSClient;
  let nats: NatsConnection;
  let rabbit: ChannelModel;
  let channel: Channel;
  /** Exchanges and queues to remove afterwards. */
  const exchanges: string[] = [];
  const queues: string[] = [];
  const rabbitSeen = new Map<string, Seen[]>();
  const natsSeen = new Map<string, Seen[]>();
  const sqsSeen = new Map<string, Seen[]>();

  before(async function () {
    await requireService(this, 'RabbitMQ', RABBITMQ.host, RABBITMQ.port);
    await requireService(this, 'NATS', NATS.host, NATS.port);
    fauxqs = await startFauxqs({ port: 0, logger: false });
    sqs = new SQSClient({ region: 'us-east-1', endpoint: fauxqs.address, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    nats = await natsConnect({ servers: NATS.uri });
    rabbit = await amqp.connect(RABBITMQ.uri);
    channel = await rabbit.createChannel();
    gateway = await GatewayProcess.start({
      env: {
        RABBITMQ_ENABLED: 'true',
        RABBITMQ_URI: RABBITMQ.uri,
        NATS_ENABLED: 'true',
        NATS_URI: NATS.uri,
        SQS_ENABLED: 'true',
        SQS_ENDPOINT: fauxqs.address,
        SQS_REGION: 'us-east-1',
        SQS_ACCESS_KEY_ID: 'test',
        SQS_SECRET_ACCESS_KEY: 'test',
        OUTBOX_RETRY_BASE_MS: '50',
        OUTBOX_RETRY_MAX_MS: '200',
        OUTBOX_POLL_MS: '50',
      },
    });
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await nats?.close();
    sqs?.destroy();
    await fauxqs?.stop();
    if (rabbit) {
      const cleanup = await rabbit.createChannel();
      for (const queue of queues) await cleanup.deleteQueue(queue).catch(() => undefined);
      for (const exchange of exchanges) await cleanup.deleteExchange(exchange).catch(() => undefined);
      await rabbit.close();
    }
  });

  /** A subscriber per tenant on its documented destinations, ready before any event. */
  async function subscribe(name: string): Promise<void> {
    const broker = brokerName(name);
    exchanges.push(broker);
    queues.push(...LIFE.map((event) => `${broker}.${event}`));
    // A queue of our own bound to everything the tenant's exchange routes.
    await channel.assertExchange(broker, 'topic', { durable: true, autoDelete: false });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, broker, '#');
    rabbitSeen.set(name, []);
    await channel.consume(queue, (message) => message && rabbitSeen.get(name)!.push(seen(message.content)), { noAck: true });

    natsSeen.set(name, []);
    const subscription = nats.subscribe(`${broker}.>`);
    void (async () => {
      for await (const message of subscription) natsSeen.get(name)!.push(seen(message.data));
    })();
    sqsSeen.set(name, []);
  }

  /** Reads whatever the tenant's SQS queues hold now. */
  async function readSqs(name: string): Promise<void> {
    for (const event of SQS_EVENTS) {
      const queueName = `${brokerName(name)}_${event}.fifo`;
      const url = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName })).then((r) => r.QueueUrl).catch(() => undefined);
      if (!url) continue;
      const messages = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      for (const message of messages.Messages ?? []) sqsSeen.get(name)!.push(seen(message.Body!));
    }
  }

  const everywhere = { rabbitmq: { enabled: true }, sqs: { enabled: true }, nats: { enabled: true } };

  it('delivers to each tenant its own events and no other tenant\'s, on RabbitMQ, SQS and NATS', async () => {
    for (const name of tenants) await subscribe(name);
    await nats.flush();
    const api = gateway.api();

    for (const name of tenants) {
      const created = await api.post('/instance/create', { instanceName: name, ...everywhere });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
    }

    // Each tenant's destinations, as the API reports them.
    const listed = (await api.get('/instance/fetchInstances')).body as { name: string; brokerName: string }[];
    for (const name of tenants) {
      const broker = brokerName(name);
      expect(listed.find((item) => item.name === name)?.brokerName).to.equal(broker);
      expect((await api.get(`/rabbitmq/find/${path(name)}`)).body.destinations).to.deep.equal({ exchange: broker, queuePrefix: `${broker}.` });
      expect((await api.get(`/sqs/find/${path(name)}`)).body.destinations).to.deep.equal({ queuePrefix: `${broker}_`, queueSuffix: '.fifo' });
      expect((await api.get(`/nats/find/${path(name)}`)).body.destinations).to.deep.equal({
        subjectPrefix: `${broker}.`,
        subscription: `${broker}.>`,
      });
    }
    // Plain names keep Evolution's destinations; the others never start with `amq.` nor contain a dot.
    expect(brokerName(base)).to.equal(base);
    expect(brokerName(`${base}_eu`)).to.equal(`${base}_eu`);
    expect(brokerName(`${base}-eu-x`)).to.equal(`${base}-eu-x`);
    expect(new Set(tenants.map(brokerName)).size).to.equal(tenants.length);

    for (const name of tenants) expect((await api.delete(`/instance/delete/${path(name)}`)).status).to.equal(200);

    const complete = (map: Map<string, Seen[]>) => tenants.every((name) => map.get(name)!.length >= LIFE.length);
    await eventually(() => complete(rabbitSeen), 15_000, 'every tenant\'s RabbitMQ events');
    await eventually(() => complete(natsSeen), 15_000, 'every tenant\'s NATS events');
    await eventually(async () => {
      for (const name of tenants) await readSqs(name);
      return complete(sqsSeen);
    }, 15_000, 'every tenant\'s SQS events');

    for (const [broker, map] of [['RabbitMQ', rabbitSeen], ['NATS', natsSeen], ['SQS', sqsSeen]] as const) {
      for (const name of tenants) {
        const got = map.get(name)!;
        expect(got.map((item) => item.instance), `${broker} subscriber of ${name}`).to.deep.equal(LIFE.map(() => name));
        expect(got.map((item) => item.event).sort(), `${broker} subscriber of ${name}`).to.deep.equal([...LIFE].sort());
      }
    }
  });

  it('refuses a name whose broker name is an existing instance\'s', async () => {
    const api = gateway.api();
    const dotted = `${base}.clash`;
    expect((await api.post('/instance/create', { instanceName: dotted })).status).to.equal(201);
    const clash = await api.post('/instance/create', { instanceName: brokerName(dotted) });
    expect(clash.status).to.equal(403);
    expect(JSON.stringify(clash.body)).to.include(`maps to the same broker destination as the existing instance \\"${dotted}\\"`);
    expect((await api.delete(`/instance/delete/${path(dotted)}`)).status).to.equal(200);
  });

  it('dead-letters a destination RabbitMQ refuses while the other tenants\' deliveries go on', async () => {
    const api = gateway.api();
    // An exchange of another type under the tenant's name: the broker refuses the sink's declare.
    await channel.assertExchange(brokerName(refused), 'fanout', { durable: false, autoDelete: false });
    exchanges.push(brokerName(refused));
    expect((await api.post('/instance/create', { instanceName: refused, rabbitmq: { enabled: true } })).status).to.equal(201);
    let dead: { total: number; deadLetters: { sink: string; event: string; attempts: number; lastError: string }[] } = { total: 0, deadLetters: [] };
    await eventually(async () => {
      dead = (await api.get(`/outbox/deadLetters/${path(refused)}`)).body;
      return dead.total === 1;
    }, 10_000, 'the refused delivery dead-lettered');
    expect(dead.deadLetters[0]).to.include({ sink: 'rabbitmq', event: 'INSTANCE_CREATE', attempts: 1 });
    expect(dead.deadLetters[0].lastError).to.match(/PRECONDITION_FAILED|406/);

    // Another tenant created after the refusal still gets its events.
    const other = `${base}-after`;
    await subscribe(other);
    expect((await api.post('/instance/create', { instanceName: other, rabbitmq: { enabled: true } })).status).to.equal(201);
    await eventually(() => rabbitSeen.get(other)!.length === 1, 10_000, 'the other tenant\'s delivery');
    expect(rabbitSeen.get(other)).to.deep.equal([{ instance: other, event: 'instance.create' }]);
    expect((await api.delete(`/instance/delete/${path(other)}`)).status).to.equal(200);
  });

  it('gives a new instance that takes a deleted one\'s name none of its dead letters', async () => {
    const api = gateway.api();
    expect((await api.get(`/outbox/deadLetters/${path(refused)}`)).body.total).to.be.at.least(1);
    expect((await api.delete(`/instance/delete/${path(refused)}`)).status).to.equal(200);
    expect((await api.post('/instance/create', { instanceName: refused })).status).to.equal(201);
    const listing = await api.get(`/outbox/deadLetters/${path(refused)}`);
    expect(listing.status).to.equal(200);
    expect(listing.body).to.include({ total: 0 });
    expect(listing.body.deadLetters).to.deep.equal([]);
    expect((await api.post(`/outbox/replay/${path(refused)}`, {})).body).to.deep.equal({ replayed: 0 });
  });
});
