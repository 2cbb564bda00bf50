import { expect } from 'chai';
import type { Api } from './support/api.js';
import { ChatwootPeer } from './support/chatwoot-peer/peer.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { emulatorEnv, waitForState } from './support/paired.js';
import { decodePng } from './support/png.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const BOT_PHONE = '+123456';

describe('Chatwoot bot contact: connection news in its conversation', function () {
  this.timeout(90_000);
  let wa: WaEmulator;
  let peer: ChatwootPeer;
  let gateway: GatewayProcess;
  let api: Api;

  const env = (wa: WaEmulator, extra: Record<string, string> = {}) => ({
    ...emulatorEnv(wa),
    OUTBOX_POLL_MS: '50',
    OUTBOX_RETRY_BASE_MS: '50',
    OUTBOX_RETRY_MAX_MS: '200',
    CHATWOOT_ENABLED: 'true',
    ...extra,
  });

  before(async () => {
    wa = await WaEmulator.start();
    peer = await ChatwootPeer.start();
    gateway = await GatewayProcess.start({ env: env(wa) });
    api = gateway.api();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log('LOGS', gateway.logs.slice(-25).map((l) => JSON.stringify(l)).join('\n'));
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
    await peer?.stop();
  });

  /** An instance with its own Chatwoot account, not connected yet; returns the account id. */
  async function withChatwoot(api: Api, name: string, fields: Record<string, unknown> = {}) {
    const account = peer.addAccount(name);
    const created = await api.post('/instance/create', {
      instanceName: name,
      chatwootAccountId: String(account.id),
      chatwootToken: account.token,
      chatwootUrl: peer.url,
      ...fields,
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    await eventually(() => peer.inboxes(account.id).length === 1, 10_000, 'the inbox');
    return account.id;
  }

  const botOf = (accountId: number) => peer.contacts(accountId).find((c) => c.phoneNumber === BOT_PHONE);
  const botMessages = (accountId: number) => {
    const bot = botOf(accountId);
    const conversation = bot && peer.conversations(accountId).find((c) => c.contactId === bot.id);
    return conversation ? peer.messages(conversation.id) : [];
  };
  const botSaid = (accountId: number, pattern: RegExp) => botMessages(accountId).some((m) => pattern.test(m.content ?? ''));

  it('posts the QR code to scan, then the connection, then the logout', async () => {
    const owner = '15550008010';
    const accountId = await withChatwoot(api, 'cw-bot');
    const connect = await api.get('/instance/connect/cw-bot');
    expect(connect.status).to.equal(200);
    const scanned = Buffer.from(String(connect.body.base64).replace(/^data:image\/png;base64,/, ''), 'base64');

    await eventually(() => botMessages(accountId).some((m) => m.attachments.length > 0), 10_000, 'the QR code in the bot conversation');
    const bot = botOf(accountId);
    expect(bot?.name).to.equal('EvolutionAPI');
    expect(bot?.avatarUrl).to.equal('https://evolution-api.com/files/evolution-api-favicon.png');
    const qr = botMessages(accountId).find((m) => m.attachments.length > 0);
    expect(qr?.messageType).to.equal('incoming');
    expect(qr?.content).to.match(/QRCode successfully generated/).and.match(/Scan this QR code/);
    const [image] = qr?.attachments ?? [];
    expect(image.mimetype).to.equal('image/png');
    expect(image.filename).to.equal('cw-bot.png');
    expect(decodePng(image.bytes).width).to.be.above(100);
    expect(image.bytes.equals(scanned), 'the QR code that connect answered').to.equal(true);

    await wa.scanQr(connect.body.code, { phone: owner });
    await waitForState(api, 'cw-bot', 'open');
    await eventually(() => botSaid(accountId, /Connection successfully established/), 10_000, 'the connected notice');

    expect((await api.delete('/instance/logout/cw-bot')).status).to.equal(200);
    await eventually(() => botSaid(accountId, /cw-bot instance status: \*closed\*/), 10_000, 'the closed notice');

    const said = botMessages(accountId).map((m) => m.content ?? '');
    const at = (pattern: RegExp) => said.findIndex((text) => pattern.test(text));
    expect(at(/Scan this QR code/)).to.equal(0);
    expect(at(/Connection successfully established/)).to.be.above(at(/Scan this QR code/));
    expect(at(/status: \*closed\*/)).to.be.above(at(/Connection successfully established/));
    // One bot contact and one conversation, however many notices.
    expect(peer.contacts(accountId).filter((c) => c.phoneNumber === BOT_PHONE)).to.have.length(1);
    expect(peer.conversations(accountId).filter((c) => c.contactId === bot?.id)).to.have.length(1);
  });

  it('connects when an agent types init to the bot, posting the QR code there, and logs out on disconnect', async () => {
    const owner = '15550008011';
    const accountId = await withChatwoot(api, 'cw-bot-init');
    // The bot conversation exists once the gateway first speaks there; an agent opens it otherwise.
    const bot = peer.addContact(accountId, { name: 'EvolutionAPI', phoneNumber: BOT_PHONE });
    const inbox = peer.inboxes(accountId)[0];
    // SERVER_URL is the public name; the spec reaches the gateway on its loopback port.
    inbox.webhookUrl = `${gateway.url}/chatwoot/webhook/cw-bot-init`;
    const conversation = peer.openConversation(accountId, inbox.id, bot.id);
    await peer.agentReply(conversation.id, { content: 'init' });

    await eventually(() => botMessages(accountId).some((m) => m.attachments.length > 0), 10_000, 'the QR code after init');
    const [listed] = (await api.get('/instance/fetchInstances?instanceName=cw-bot-init')).body;
    expect(listed.connectionStatus).to.equal('connecting');
    const { body: qr } = await api.get('/instance/connect/cw-bot-init');
    await wa.scanQr(qr.code, { phone: owner });
    await waitForState(api, 'cw-bot-init', 'open');

    await peer.agentReply(conversation.id, { content: 'disconnect' });
    await waitForState(api, 'cw-bot-init', 'close');
    await eventually(() => botSaid(accountId, /Disconnecting WhatsApp from inbox/), 10_000, 'the disconnect answer');
    // Commands are the bot's business: none of them went to WhatsApp.
    expect(wa.receivedMessages(BOT_PHONE.slice(1))).to.have.length(0);
  });

  it('posts the QR code of a create with qrcode: true into the one inbox the create made', async () => {
    const account = peer.addAccount('cw-bot-create');
    const created = await api.post('/instance/create', {
      instanceName: 'cw-bot-create',
      qrcode: true,
      chatwootAccountId: String(account.id),
      chatwootToken: account.token,
      chatwootUrl: peer.url,
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    await eventually(() => botMessages(account.id).some((m) => m.attachments.length > 0), 10_000, 'the QR code in the bot conversation');
    await wa.scanQr(created.body.qrcode.code, { phone: '15550008020' });
    await eventually(() => botSaid(account.id, /Connection successfully established/), 10_000, 'the connected notice');
    expect(peer.inboxes(account.id)).to.have.length(1);
    await api.delete('/instance/delete/cw-bot-create');
  });

  it('names the bot contact after organization and pictures it with logo', async () => {
    const accountId = await withChatwoot(api, 'cw-bot-named', { chatwootOrganization: 'Acme Support', chatwootLogo: 'https://acme.test/logo.png' });
    expect((await api.get('/instance/connect/cw-bot-named')).status).to.equal(200);
    await eventually(() => botMessages(accountId).length > 0, 10_000, 'the bot conversation');
    expect(botOf(accountId)).to.include({ name: 'Acme Support', avatarUrl: 'https://acme.test/logo.png', phoneNumber: BOT_PHONE });
    await api.delete('/instance/delete/cw-bot-named');
  });

  it('has no bot contact with CHATWOOT_BOT_CONTACT=false', async () => {
    const quiet = await GatewayProcess.start({ env: env(wa, { CHATWOOT_BOT_CONTACT: 'false' }) });
    try {
      const owner = '15550008030';
      const contact = '15550008031';
      const quietApi = quiet.api();
      const accountId = await withChatwoot(quietApi, 'cw-no-bot');
      const connect = await quietApi.get('/instance/connect/cw-no-bot');
      await wa.scanQr(connect.body.code, { phone: owner });
      await waitForState(quietApi, 'cw-no-bot', 'open');
      // A message after the connection reaches Chatwoot: the notices would have been committed before it.
      await wa.sendTextToClient(contact, owner, 'hello');
      await eventually(() => peer.messages().some((m) => m.accountId === accountId && m.content === 'hello'), 20_000, 'the message');
      expect((await quietApi.delete('/instance/logout/cw-no-bot')).status).to.equal(200);
      expect(botOf(accountId)).to.equal(undefined);
      expect(peer.contacts(accountId).map((c) => c.phoneNumber)).to.deep.equal([`+${contact}`]);
    } finally {
      await quiet.stop();
      await quiet.removeData();
    }
  });
});
