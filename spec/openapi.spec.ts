import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPkg from 'ajv-formats';
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { routeTable } from '../lib/http/route-table.js';
import { eventually } from './support/eventually.js';
import { startInProcess, type InProcessGateway } from './support/in-process-gateway.js';
import { createPaired, emulatorEnv, waitForState } from './support/paired.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';
import { testDatabase } from './support/test-database.js';

interface Operation {
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
  responses: Record<string, { content?: Record<string, { schema: object }> } & Record<string, unknown>>;
}
// ajv-formats ships CommonJS with the plugin on `default`.
const addFormats = addFormatsPkg as unknown as (ajv: Ajv2020) => Ajv2020;

/** Every schema object the document holds: parameters, bodies, components. */
function schemasIn(doc: Document): unknown[] {
  const found: unknown[] = [];
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      for (const parameter of op.parameters ?? []) found.push(parameter.schema);
      for (const media of Object.values(op.requestBody?.content ?? {})) found.push(media.schema);
      for (const answer of Object.values(op.responses)) for (const media of Object.values(answer.content ?? {})) found.push(media.schema);
    }
  }
  return found;
}

// A 1x1 PNG, as a client sends an image in base64.
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

describe(`OpenAPI document and docs page (${testDatabase})`, function () {
  this.timeout(60_000);
  let running: InProcessGateway;
  let doc: Document;
  let base: string;

  before(async () => {
    // /metrics mounted too: every route the gateway can have is in the document.
    running = await startInProcess({ METRICS_ENABLED: 'true' });
    base = running.api.baseUrl;
    // No key: the description is public.
    const response = await fetch(`${base}/openapi.json`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    doc = (await response.json()) as Document;
  });

  after(async () => {
    await running?.stop();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)?.slice(0, 4000)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
    expect(validator.version).to.equal('3.1');
  });

  it('holds request schemas that JSON Schema 2020-12 (the dialect of OpenAPI 3.1) compiles strictly', () => {
    // The OpenAPI meta-schema leaves schema objects open; a strict 2020-12 compiler
    // refuses draft-07-only keywords and unknown ones. Our x- annotations are declared.
    const ajv = new Ajv2020({ strict: true, strictRequired: false, strictTypes: false });
    ajv.addVocabulary(['x-rule', 'x-message', 'x-when', 'x-blank-disables']);
    addFormats(ajv);
    const schemas = schemasIn(doc);
    expect(schemas.length).to.be.greaterThan(100);
    for (const schema of schemas) expect(() => ajv.compile(schema as object), JSON.stringify(schema).slice(0, 300)).not.to.throw();
    // draft-07's `dependencies` (kept by 2020-12 compilers for compatibility) is written the 2020-12 way.
    expect(JSON.stringify(doc)).not.to.include('"dependencies"');
    const create = doc.paths['/instance/create'].post.requestBody?.content['application/json'].schema as { dependentRequired?: unknown };
    expect(create.dependentRequired).to.deep.equal({ proxyHost: ['proxyPort'], proxyPort: ['proxyHost'] });
  });

  it('describes every route the routers answer, with its method, and nothing else', () => {
    const routes = routeTable(running.gateway.app).map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    const described = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(routes.length).to.be.greaterThan(40);
    expect([...new Set(described)].sort()).to.deep.equal([...new Set(routes)].sort());
    for (const path of ['/openapi.json', '/docs', '/health', '/health/live', '/health/ready']) expect(doc.paths, path).to.have.property(path);
  });

  it('takes path params, query, bodies and keys from the declared routes', () => {
    const sendText = doc.paths['/message/sendText/{instanceName}'].post;
    const [name] = sendText.parameters ?? [];
    expect(name).to.include({ name: 'instanceName', in: 'path', required: true });
    // The very schema validate() checks the name with, its message annotation kept as an extension.
    expect(name.schema).to.include({ type: 'string', maxLength: 100 });
    expect(name.schema).to.have.property('x-rule');
    expect(sendText.requestBody?.content['application/json'].schema.properties).to.include.keys('number', 'text');
    expect(sendText.security).to.deep.equal([{ apikey: [] }]);
    expect(sendText.responses).to.include.keys('201', '400', '401', '4XX', '5XX');
    expect(sendText.responses['4XX']).to.deep.equal({ $ref: '#/components/responses/Error' });

    const media = doc.paths['/message/sendMedia/{instanceName}'].post;
    expect(media.requestBody?.content).to.have.keys('application/json', 'multipart/form-data');
    expect(media.requestBody?.content['multipart/form-data'].schema.properties).to.have.property('file');

    const groups = doc.paths['/group/fetchAllGroups/{instanceName}'].get;
    expect(groups.parameters?.find((p) => p.in === 'query' && p.name === 'getParticipants')).to.include({ required: true });

    const create = doc.paths['/instance/create'].post;
    expect(create.parameters).to.deep.equal([]);
    expect(create.responses).to.include.keys('201');

    for (const path of ['/', '/health', '/health/live', '/health/ready', '/openapi.json', '/docs']) {
      expect(doc.paths[path].get.security, path).to.deep.equal([]);
    }
  });

  it('describes the answer of every send route: the message as sent', () => {
    const sends = Object.entries(doc.paths).filter(([path]) => /^\/message\/send(?!Status)/.test(path));
    expect(sends.length).to.be.at.least(12);
    for (const [path, item] of sends) {
      const schema = item.post.responses['201'].content?.['application/json'].schema as { required?: string[] } | undefined;
      expect(schema?.required, path).to.include.members(['key', 'message', 'messageTimestamp', 'status']);
    }
  });

  it('describes the success answer of every route: a content type and a schema', () => {
    const described = (op: Operation) =>
      Object.entries(op.responses).some(([status, answer]) => /^2\d\d$/.test(status) && Object.values(answer.content ?? {}).some((media) => typeof media.schema === 'object'));
    const offenders = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => !described(op))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(offenders, `routes whose success answer is not described:\n${offenders.join('\n')}`).to.deep.equal([]);
    const contentTypes = (path: string) => Object.keys(doc.paths[path].get.responses['200'].content ?? {});
    expect(contentTypes('/metrics')).to.deep.equal(['text/plain']);
    expect(contentTypes('/docs')).to.deep.equal(['text/html']);
    expect(contentTypes('/openapi.json')).to.deep.equal(['application/json']);
    // A health check's 503 has the shape of its 200.
    expect(doc.paths['/health/ready'].get.responses['503'].content).to.deep.equal(doc.paths['/health/ready'].get.responses['200'].content);
  });

  it('keeps the error body shape as a shared component', () => {
    const components = (doc as unknown as { components: { schemas: { ErrorBody: { required: string[] } } } }).components;
    expect(components.schemas.ErrorBody.required).to.deep.equal(['status', 'error', 'response']);
  });

  it('serves /docs as HTML whose assets are all on this server, and they load', async () => {
    const response = await fetch(`${base}/docs`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/html/);
    const html = await response.text();
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(references.length).to.be.at.least(3);
    for (const reference of references) {
      const url = new URL(reference, `${base}/docs`);
      expect(url.origin, reference).to.equal(base);
      expect(url.pathname, reference).to.match(/^\/docs\//);
      const asset = await fetch(url);
      expect(asset.status, reference).to.equal(200);
      expect((await asset.arrayBuffer()).byteLength, reference).to.be.greaterThan(0);
    }
    const init = await (await fetch(`${base}/docs/init.js`)).text();
    expect(init).to.include("url: '/openapi.json'");
    expect(init).to.include('validatorUrl: null');
  });

  it('renders every route in Chromium from this server alone', async function () {
    const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    if (!existsSync(executablePath)) {
      if (process.env.CI === 'true') throw new Error(`no Chromium at ${executablePath}`);
      console.warn(`      skipped: no Chromium at ${executablePath}`);
      this.skip();
    }
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const elsewhere: string[] = [];
      // Anything asked of another origin is refused and noted: the page must not need it.
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (new URL(url).origin === base || url.startsWith('data:')) return route.continue();
        elsewhere.push(url);
        return route.abort();
      });
      await page.goto(`${base}/docs`);
      await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
      const shown = await page.locator('.opblock').count();
      const described = Object.values(doc.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);
      expect(shown).to.equal(described);
      expect(elsewhere).to.deep.equal([]);
    } finally {
      await browser.close();
    }
  });
});

describe(`answers as the OpenAPI document describes them (${testDatabase})`, function () {
  this.timeout(60_000);
  const OWNER = '15550006200';
  const CONTACT = '15550006201';
  const MEMBER = '15550006202';
  const SECOND_OWNER = '15550006203';
  let wa: WaEmulator;
  // What the send test leaves for the routes that act on a sent message.
  let textKey: Record<string, unknown>;
  let imageId: string;
  let running: InProcessGateway;
  let doc: Document;
  const ajv = new Ajv2020({ strict: true, strictRequired: false, strictTypes: false });
  addFormats(ajv);

  /**
   * Calls a route (its query after `?`) on an instance and checks the answer
   * against the schema the document gives its success status.
   */
  async function described(
    method: 'get' | 'post' | 'put' | 'delete',
    route: string,
    body?: Record<string, unknown>,
    instance = 'described',
  ): Promise<Record<string, unknown>> {
    const [template, query] = route.split('?');
    const url = `${template.replace('{instanceName}', encodeURIComponent(instance))}${query ? `?${query}` : ''}`;
    const res = method === 'get' ? await running.api.get(url) : await running.api.request(method.toUpperCase(), url, body);
    expect(res.status, `${route}: ${JSON.stringify(res.body)}`).to.be.within(200, 201);
    const schema = doc.paths[template][method].responses[String(res.status)].content?.['application/json'].schema;
    expect(schema, `${route} describes its answer`).to.be.an('object');
    const check = ajv.compile(schema as object);
    expect(check(res.body), `${route}: ${ajv.errorsText(check.errors)} in ${JSON.stringify(res.body).slice(0, 300)}`).to.equal(true);
    return res.body as Record<string, unknown>;
  }
  const postDescribed = (route: string, body: Record<string, unknown>) => described('post', route, body);

  before(async () => {
    wa = await WaEmulator.start();
    // Chatwoot on, for its webhook route; the instance's own Chatwoot stays off.
    running = await startInProcess({ ...emulatorEnv(wa), CHATWOOT_ENABLED: 'true' });
    await createPaired(running.api, wa, 'described', OWNER);
    wa.addContact(CONTACT, 'Ana Described');
    wa.addContact(MEMBER, 'Mo Member');
    doc = (await (await fetch(`${running.api.baseUrl}/openapi.json`)).json()) as Document;
  });

  after(async () => {
    await running?.stop();
    await wa?.stop();
  });

  it('answers sends with the message record described, whatever the kind', async () => {
    const text = await postDescribed('/message/sendText/{instanceName}', { number: CONTACT, text: 'described' });
    const key = text.key as Record<string, unknown>;
    textKey = key;
    await postDescribed('/message/sendLocation/{instanceName}', { number: CONTACT, name: 'Here', address: 'Street 1', latitude: 1.5, longitude: 2.5 });
    await postDescribed('/message/sendContact/{instanceName}', { number: CONTACT, contact: [{ fullName: 'Bo Card', wuid: '15550006299', phoneNumber: '+1 555 000 6299' }] });
    await postDescribed('/message/sendPoll/{instanceName}', { number: CONTACT, name: 'Which?', selectableCount: 1, values: ['a', 'b'] });
    await postDescribed('/message/sendReaction/{instanceName}', { key, reaction: '👍' });
    const image = await postDescribed('/message/sendMedia/{instanceName}', { number: CONTACT, mediatype: 'image', media: PNG_BASE64, caption: 'pic' });
    imageId = String((image.key as Record<string, unknown>).id);
    await postDescribed('/message/sendStatus/{instanceName}', { type: 'text', content: 'described', backgroundColor: '#000000', font: 1, statusJidList: [CONTACT] });
  });

  it('answers the chat searches as described', async () => {
    const page = await postDescribed('/chat/findMessages/{instanceName}', { where: { key: { remoteJid: CONTACT } } });
    expect((page.messages as { total: number }).total).to.be.at.least(1);
    expect(await postDescribed('/chat/findChats/{instanceName}', {})).to.have.length.at.least(1);
    await postDescribed('/chat/findContacts/{instanceName}', {});
    expect(await postDescribed('/chat/whatsappNumbers/{instanceName}', { numbers: [CONTACT, '15550006299'] })).to.have.length(2);
  });

  it('answers every /group route as described', async () => {
    const group = await postDescribed('/group/create/{instanceName}', { subject: 'Described', participants: [CONTACT, MEMBER] });
    const q = `groupJid=${encodeURIComponent(String(group.id))}`;
    await described('get', `/group/findGroupInfos/{instanceName}?${q}`);
    await described('get', '/group/fetchAllGroups/{instanceName}?getParticipants=true');
    await described('get', '/group/fetchAllGroups/{instanceName}?getParticipants=false');
    await described('get', `/group/participants/{instanceName}?${q}`);
    const invite = await described('get', `/group/inviteCode/{instanceName}?${q}`);
    await described('get', `/group/inviteInfo/{instanceName}?inviteCode=${String(invite.inviteCode)}`);
    await postDescribed(`/group/sendInvite/{instanceName}`, { groupJid: group.id, description: 'Join us', numbers: [CONTACT] });
    await postDescribed(`/group/revokeInviteCode/{instanceName}?${q}`, {});
    await postDescribed(`/group/updateGroupSubject/{instanceName}?${q}`, { subject: 'Described again' });
    await postDescribed(`/group/updateGroupDescription/{instanceName}?${q}`, { description: 'What it is' });
    await postDescribed(`/group/updateGroupPicture/{instanceName}?${q}`, { image: PNG_BASE64 });
    await postDescribed(`/group/updateParticipant/{instanceName}?${q}`, { action: 'promote', participants: [MEMBER] });
    await postDescribed(`/group/updateSetting/{instanceName}?${q}`, { action: 'announcement' });
    await postDescribed(`/group/toggleEphemeral/{instanceName}?${q}`, { expiration: 86400 });
    await described('delete', `/group/leaveGroup/{instanceName}?${q}`);
  });

  it('answers the service routes as described', async () => {
    expect(await described('get', '/')).to.include({ status: 200 });
    await postDescribed('/verify-creds', {});
    await described('get', '/health');
    await described('get', '/health/live');
    expect(await described('get', '/health/ready')).to.include({ status: 'ok' });
  });

  it('answers the /instance routes as described, a second instance created, paired, restarted, logged out and deleted', async () => {
    const second = 'described two';
    const created = await postDescribed('/instance/create', { instanceName: second, qrcode: true });
    expect((created.qrcode as { code: unknown }).code).to.be.a('string');
    const qr = await described('get', '/instance/connect/{instanceName}', undefined, second);
    await wa.scanQr(String(qr.code), { phone: SECOND_OWNER, name: 'Owner of the second' });
    await waitForState(running.api, second, 'open');
    const listed = (await described('get', '/instance/fetchInstances')) as unknown as Record<string, unknown>[];
    expect(listed.map((instance) => instance.name)).to.include.members(['described', second]);
    await described('get', `/instance/fetchInstances?instanceName=${encodeURIComponent(second)}`);
    expect(await described('get', '/instance/connect/{instanceName}')).to.have.nested.property('instance.state', 'open');
    await described('get', '/instance/connectionState/{instanceName}');
    await postDescribed('/instance/setPresence/{instanceName}', { presence: 'composing', number: CONTACT });
    await described('post', '/instance/restart/{instanceName}', {}, second);
    await waitForState(running.api, second, 'open');
    await described('put', '/instance/restart/{instanceName}', {}, second);
    await waitForState(running.api, second, 'open');
    await described('delete', '/instance/logout/{instanceName}', undefined, second);
    await described('delete', '/instance/delete/{instanceName}', undefined, second);
  });

  it('answers the configuration routes as described, before and after a set', async () => {
    for (const family of ['settings', 'webhook', 'proxy', 'rabbitmq', 'sqs', 'nats', 'chatwoot']) await described('get', `/${family}/find/{instanceName}`);
    await postDescribed('/settings/set/{instanceName}', { rejectCall: true, msgCall: 'Busy', readMessages: true });
    await postDescribed('/webhook/set/{instanceName}', { webhook: { enabled: false, url: 'http://127.0.0.1:9/hook', events: ['MESSAGES_UPSERT'], secret: 's3cret' } });
    await postDescribed('/proxy/set/{instanceName}', { enabled: false });
    for (const kind of ['rabbitmq', 'sqs', 'nats']) await postDescribed(`/${kind}/set/{instanceName}`, { [kind]: { enabled: false, events: ['MESSAGES_UPSERT'] } });
    await postDescribed('/chatwoot/set/{instanceName}', { enabled: false, accountId: '1', token: 't', url: 'http://127.0.0.1:9' });
    expect(await postDescribed('/chatwoot/webhook/{instanceName}', { event: 'message_created' })).to.deep.equal({ message: 'bot' });
    for (const family of ['settings', 'webhook', 'proxy', 'rabbitmq', 'sqs', 'nats', 'chatwoot']) {
      expect(await described('get', `/${family}/find/{instanceName}`), family).to.be.an('object');
    }
    // fetchInstances shows each of them stored.
    await described('get', '/instance/fetchInstances?instanceName=described');
  });

  it('answers the profile routes as described', async () => {
    await postDescribed('/chat/fetchProfile/{instanceName}', {});
    await postDescribed('/chat/fetchProfile/{instanceName}', { number: CONTACT });
    expect(await postDescribed('/chat/fetchBusinessProfile/{instanceName}', { number: CONTACT })).to.include({ isBusiness: false });
    const privacy = await described('get', '/chat/fetchPrivacySettings/{instanceName}');
    await postDescribed('/chat/updatePrivacySettings/{instanceName}', privacy);
    await postDescribed('/chat/updateProfileName/{instanceName}', { name: 'Described' });
    await postDescribed('/chat/updateProfileStatus/{instanceName}', { status: 'Describing' });
    await postDescribed('/chat/updateProfilePicture/{instanceName}', { picture: PNG_BASE64 });
    await postDescribed('/chat/fetchProfilePictureUrl/{instanceName}', { number: OWNER });
    await described('delete', '/chat/removeProfilePicture/{instanceName}');
  });

  it('answers the other /chat routes as described', async () => {
    const { id } = await wa.sendTextToClient(CONTACT, OWNER, 'read me');
    const storedPage = async () => (await running.api.post('/chat/findMessages/described', { where: { key: { id } } })).body.messages.total;
    await eventually(async () => (await storedPage()) === 1, 10_000, 'the message stored');
    await postDescribed('/chat/markMessageAsRead/{instanceName}', { readMessages: [{ id, remoteJid: CONTACT, fromMe: false }] });
    // The phone shares the app state key just after the first login: the first mark may have to wait for it.
    await eventually(async () => (await running.api.post('/chat/archiveChat/described', { chat: CONTACT, archive: true })).status === 201, 10_000, 'archiveChat');
    await postDescribed('/chat/archiveChat/{instanceName}', { chat: CONTACT, archive: false });
    await postDescribed('/chat/markChatUnread/{instanceName}', { chat: CONTACT });
    await postDescribed('/chat/sendPresence/{instanceName}', { number: CONTACT, presence: 'composing', delay: 0 });
    await postDescribed('/chat/updateBlockStatus/{instanceName}', { number: MEMBER, status: 'block' });
    await postDescribed('/chat/updateBlockStatus/{instanceName}', { number: MEMBER, status: 'unblock' });
    await postDescribed('/chat/findStatusMessage/{instanceName}', {});
    await described('get', `/chat/findChatByRemoteJid/{instanceName}?remoteJid=${CONTACT}`);
    expect(await described('get', '/chat/findChatByRemoteJid/{instanceName}?remoteJid=15550006299')).to.equal(null);
    const media = await postDescribed('/chat/getBase64FromMediaMessage/{instanceName}', { message: { key: { id: imageId } } });
    expect(media.base64).to.equal(PNG_BASE64);
    await postDescribed('/chat/updateMessage/{instanceName}', { key: textKey, text: 'described again' });
    await described('delete', '/chat/deleteMessageForEveryone/{instanceName}', textKey);
  });

  it('answers /label, /call and /outbox as described', async () => {
    await wa.editLabel(OWNER, { id: '7', name: 'Described', color: 4 });
    await eventually(async () => (await running.api.get('/label/findLabels/described')).body.length > 0, 10_000, 'the label stored');
    expect(await described('get', '/label/findLabels/{instanceName}')).to.have.length.at.least(1);
    await postDescribed('/label/handleLabel/{instanceName}', { number: CONTACT, labelId: '7', action: 'add' });
    await postDescribed('/call/offer/{instanceName}', { number: CONTACT, callDuration: 1 });
    await described('get', '/outbox/deadLetters/{instanceName}');
    await postDescribed('/outbox/replay/{instanceName}', {});
  });
});

