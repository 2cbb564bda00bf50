import { DeleteQueueCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import amqp from 'amqplib';
import { expect } from 'chai';
import { startFauxqs } from 'fauxqs';
import { createHmac, randomBytes } from 'node:crypto';
import { connect as natsConnect, type Msg, type NatsConnection } from 'nats';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { NATS, RABBITMQ, requireService } from './support/services.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

type Fauxqs = Awaited<ReturnType<typeof startFauxqs>>;

describe('events reach every destination', function () {
  this.timeout(60_000);
  let gateway: GatewayProcess;
  let receiver: WebhookReceiver;
  let fauxqs: Fauxqs;
  let sqs: SQSClient;
  let nats: NatsConnection;
  const natsSeen: Msg[] = [];
  const suffix = randomBytes(3).toString('hex');
  const name = `ev-${suffix}`;
  const createdQueues: string[] = [];

  before(async function () {
    await requireService(this, 'RabbitMQ', RABBITMQ.host, RABBITMQ.port);
    await requireService(this, 'NATS', NATS.host, NATS.port);
    receiver = await WebhookReceiver.start();
    fauxqs = await startFauxqs({ port: 0, logger: false });
    sqs = new SQSClient({ region: 'us-east-1', endpoint: fauxqs.address, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    nats = await natsConnect({ servers: NATS.uri });
    const subscription = nats.subscribe(`${name}.>`);
    void (async () => {
      for await (const message of subscription) natsSeen.push(message);
    })();
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
        WEBHOOK_TIMEOUT_MS: '1500',
      },
    });
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await receiver?.stop();
    await nats?.close();
    sqs?.destroy();
    await fauxqs?.stop();
    if (createdQueues.length > 0) {
      const connection = await amqp.connect(RABBITMQ.uri);
      const channel = await connection.createChannel();
      for (const queue of createdQueues) await channel.deleteQueue(queue).catch(() => undefined);
      await channel.deleteExchange(name).catch(() => undefined);
      await connection.close();
    }
  });

  it('delivers instance.create to the webhook, RabbitMQ, SQS and NATS with the contract envelope', async () => {
    const api = gateway.api();
    const created = await api.post('/instance/create', {
      instanceName: name,
      webhook: {
        url: `${receiver.url}/hook`,
        byEvents: true,
        headers: { 'x-tenant': 'acme' },
        secret: 'hmac-secret',
        events: ['INSTANCE_CREATE'],
      },
      rabbitmq: { enabled: true, events: ['INSTANCE_CREATE'] },
      sqs: { enabled: true, events: ['INSTANCE_CREATE'] },
      nats: { enabled: true, events: ['INSTANCE_CREATE'] },
    });
    expect(created.status).to.equal(201);
    const token = created.body.hash as string;
    const instanceId = created.body.instance.instanceId as string;

    // Webhook
    await eventually(() => receiver.accepted.some((r) => r.body.instance === name), 10_000, 'webhook delivery');
    const hook = receiver.accepted.find((r) => r.body.instance === name)!;
    expect(hook.path).to.equal('/hook/instance-create');
    expect(hook.headers['x-tenant']).to.equal('acme');
    expect(hook.headers['content-type']).to.equal('application/json');
    const eventId = hook.headers['x-event-id'] as string;
    expect(eventId).to.match(/^[0-9a-f-]{36}$/);
    const signature = `sha256=${createHmac('sha256', 'hmac-secret').update(hook.raw).digest('hex')}`;
    expect(hook.headers['x-signature-256']).to.equal(signature);
    const expectedEnvelope = (destination: string) => ({
      event: 'instance.create',
      instance: name,
      data: { instanceName: name, instanceId },
      destination,
      sender: null,
      server_url: 'http://gateway.test',
      apikey: token,
    });
    expect(hook.body).to.deep.include(expectedEnvelope(`${receiver.url}/hook/instance-create`));
    expect(new Date(String(hook.body.date_time)).toISOString()).to.equal(hook.body.date_time);

    // RabbitMQ: exchange per instance, queue <instance>.<event>
    const queue = `${name}.instance.create`;
    createdQueues.push(queue);
    const connection = await amqp.connect(RABBITMQ.uri);
    try {
      let message: amqp.GetMessage | false = false;
      await eventually(async () => {
        // Reading a queue that is not declared yet closes the channel: use a fresh one each time.
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        message = await channel.get(queue, { noAck: true }).catch(() => false as const);
        await channel.close().catch(() => undefined);
        return message !== false;
      }, 10_000, 'RabbitMQ message');
      const got = message as unknown as amqp.GetMessage;
      expect(got.properties.messageId).to.equal(eventId);
      expect(got.fields.exchange).to.equal(name);
      expect(got.fields.routingKey).to.equal('instance.create');
      expect(JSON.parse(got.content.toString())).to.deep.include(expectedEnvelope(queue));
    } finally {
      await connection.close();
    }

    // SQS: FIFO queue <instance>_<event>.fifo
    const queueName = `${name.replace(/-/g, '-')}_instance_create.fifo`;
    let received: { Body?: string; MessageAttributes?: Record<string, { StringValue?: string }> } | undefined;
    await eventually(async () => {
      const url = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName })).then((r) => r.QueueUrl).catch(() => undefined);
      if (!url) return false;
      const messages = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }));
      received = messages.Messages?.[0];
      return received !== undefined;
    }, 10_000, 'SQS message');
    expect(received!.MessageAttributes?.['x-event-id']?.StringValue).to.equal(eventId);
    expect(JSON.parse(received!.Body!)).to.deep.include(expectedEnvelope(queueName));
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl;
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));

    // NATS: subject <instance>.<event>
    await eventually(() => natsSeen.length > 0, 10_000, 'NATS message');
    expect(natsSeen[0].subject).to.equal(`${name}.instance.create`);
    expect(natsSeen[0].headers?.get('Nats-Msg-Id')).to.equal(eventId);
    expect(JSON.parse(new TextDecoder().decode(natsSeen[0].data))).to.deep.include(expectedEnvelope(`${name}.instance.create`));
  });

  it('retries a receiver that answers 500 three times, then delivers once, in order, with the same id', async () => {
    const instance = `retry-${suffix}`;
    const attempts: Record<string, number> = {};
    receiver.respondWith((request) => {
      if (request.body.instance !== instance) return 200;
      const id = String(request.headers['x-event-id']);
      attempts[id] = (attempts[id] ?? 0) + 1;
      return request.body.event === 'instance.create' && attempts[id] <= 3 ? 500 : 200;
    });
    const api = gateway.api();
    expect((await api.post('/instance/create', { instanceName: instance, webhook: { url: `${receiver.url}/in-order` } })).status).to.equal(201);
    expect((await api.delete(`/instance/delete/${instance}`)).status).to.equal(200);

    const mine = (r: { body: Record<string, unknown> }) => r.body.instance === instance;
    await eventually(() => receiver.events(mine).length === 3, 10_000, 'three deliveries');
    expect(receiver.events(mine)).to.deep.equal(['instance.create', 'remove.instance', 'instance.delete']);
    const createCalls = receiver.requests.filter((r) => mine(r) && r.body.event === 'instance.create');
    expect(createCalls.map((r) => r.status)).to.deep.equal([500, 500, 500, 200]);
    expect(new Set(createCalls.map((r) => r.headers['x-event-id'])).size).to.equal(1);
    // The later events waited for the first: none was sent before it succeeded.
    const firstSuccess = createCalls[3].at;
    const later = receiver.requests.filter((r) => mine(r) && r.body.event !== 'instance.create');
    expect(later.every((r) => r.at >= firstSuccess)).to.equal(true);
    expect(later.map((r) => r.status)).to.deep.equal([200, 200]);
  });

  it('keeps delivering to one instance while another instance\'s webhook hangs', async () => {
    const stuck = `stuck-${suffix}`;
    const fine = `fine-${suffix}`;
    receiver.respondWith((request) => (request.path.startsWith('/stuck') ? 'hang' : 200));
    const api = gateway.api();
    await api.post('/instance/create', { instanceName: stuck, webhook: { url: `${receiver.url}/stuck` } });
    await eventually(() => receiver.requests.some((r) => r.body.instance === stuck), 5_000, 'the hanging call');
    const started = Date.now();
    await api.post('/instance/create', { instanceName: fine, webhook: { url: `${receiver.url}/fine` } });
    await eventually(() => receiver.accepted.some((r) => r.body.instance === fine), 5_000, 'the other delivery');
    expect(Date.now() - started).to.be.below(1_000);
  });

  it('dead-letters a 400 at once, lists it, and replays it on request', async () => {
    const instance = `dead-${suffix}`;
    let refuse = true;
    receiver.respondWith((request) => (request.body.instance === instance && refuse ? 400 : 200));
    const api = gateway.api();
    await api.post('/instance/create', { instanceName: instance, webhook: { url: `${receiver.url}/dead` } });
    let list: { total: number; deadLetters: { id: number; event: string; attempts: number; lastError: string }[] } = { total: 0, deadLetters: [] };
    await eventually(async () => {
      list = (await api.get(`/outbox/deadLetters/${instance}`)).body;
      return list.total === 1;
    }, 5_000, 'a dead letter');
    expect(list.deadLetters[0]).to.include({ event: 'INSTANCE_CREATE', attempts: 1 });
    expect(list.deadLetters[0].lastError).to.match(/HTTP 400/);
    expect(receiver.requests.filter((r) => r.body.instance === instance)).to.have.length(1);

    refuse = false;
    const replay = await api.post(`/outbox/replay/${instance}`, {});
    expect(replay.body).to.deep.equal({ replayed: 1 });
    await eventually(() => receiver.accepted.some((r) => r.body.instance === instance), 5_000, 'the replayed delivery');
    expect((await api.get(`/outbox/deadLetters/${instance}`)).body.total).to.equal(0);
  });
});
