import { expect } from 'chai';
import QRCode from 'qrcode';
import { eventually } from './support/eventually.js';
import { createBusiness, startBusinessWorld, type BusinessWorld } from './support/business.js';
import { FileServer } from './support/file-server.js';
import type { PhoneNumber, SentMessage } from './support/graph-peer/state.js';
import { HttpProxy } from './support/http-proxy.js';

const CONTACT = '15550001111';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60, 1)]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([40, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(32, 2)]);

describe('WhatsApp Business sends through the /message routes', function () {
  this.timeout(30_000);
  let world: BusinessWorld;
  let files: FileServer;
  let phone: PhoneNumber;
  let png: Buffer;

  /** Sends through the route, expects 201, and returns the answer with what Meta received. */
  async function send(route: string, body: Record<string, unknown>): Promise<{ record: Record<string, any>; meta: SentMessage }> {
    const before = world.peer.sent(phone.id).length;
    const answer = await world.api.post(`/message/${route}/shop`, body);
    expect(answer.status, `${route}: ${JSON.stringify(answer.body)}`).to.equal(201);
    const sent = world.peer.sent(phone.id);
    expect(sent).to.have.length(before + 1);
    const meta = sent[sent.length - 1];
    expect(answer.body.key).to.deep.equal({ remoteJid: `${CONTACT}@s.whatsapp.net`, fromMe: true, id: meta.id });
    expect(answer.body.instanceId).to.be.a('string');
    return { record: answer.body, meta };
  }

  before(async () => {
    world = await startBusinessWorld();
    files = await FileServer.start();
    phone = world.peer.addPhoneNumber({ display_phone_number: '+1 555-020-0200', verified_name: 'Shop' });
    png = await QRCode.toBuffer('the shop');
    const created = await createBusiness(world, 'shop', world.peer.addToken(), phone);
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
  });

  after(async () => {
    await files?.stop();
    await world?.stop();
  });

  it('sends a text, with a preview when asked and as a reply to a stored message; stores it and reports send.message', async () => {
    const first = await send('sendText', { number: CONTACT, text: 'see https://example.com' });
    expect(first.meta.body).to.deep.equal({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: CONTACT,
      type: 'text',
      text: { body: 'see https://example.com', preview_url: false },
    });
    expect(first.record).to.include({ messageType: 'conversation', status: 'PENDING', source: 'unknown' });
    expect(first.record.message).to.deep.equal({ conversation: 'see https://example.com' });

    const reply = await send('sendText', { number: CONTACT, text: 'a reply', linkPreview: true, quoted: { key: { id: first.meta.id } } });
    expect(reply.meta.body.context).to.deep.equal({ message_id: first.meta.id });
    expect((reply.meta.body.text as Record<string, unknown>).preview_url).to.equal(true);
    expect(reply.record.contextInfo.stanzaId).to.equal(first.meta.id);

    const found = await world.api.post('/chat/findMessages/shop', { where: { key: { id: first.meta.id } } });
    expect(found.body.messages.records.map((r: { key: { id: string } }) => r.key.id)).to.deep.equal([first.meta.id]);
    const chats = await world.api.post('/chat/findChats/shop', {});
    expect(chats.body.map((c: { remoteJid: string }) => c.remoteJid)).to.include(`${CONTACT}@s.whatsapp.net`);
    await eventually(() => world.receiver.accepted.some((r) => r.body.event === 'send.message' && (r.body.data as { key: { id: string } }).key.id === reply.meta.id), 5_000, 'send.message');
  });

  it('hands media given by URL to Meta as a link, never fetching it (image, document, voice note, sticker)', async () => {
    const photo = files.serve('/photo.png', png, 'image/png');
    const linked = await send('sendMedia', { number: CONTACT, mediatype: 'image', media: photo, caption: 'our shop' });
    expect(linked.meta.body).to.deep.include({ type: 'image', image: { link: photo, caption: 'our shop' } });
    expect(linked.record.messageType).to.equal('imageMessage');
    // The type and name come from the URL's path.
    expect(linked.record.message.imageMessage).to.deep.equal({ mimetype: 'image/png', url: photo, caption: 'our shop', fileName: 'photo.png' });

    // A path without an extension: the client's fields say what it is.
    const prices = files.serve('/files/prices', PDF, 'application/pdf');
    const doc = await send('sendMedia', { number: CONTACT, mediatype: 'document', media: prices, mimetype: 'application/pdf', fileName: 'prices.pdf' });
    expect(doc.meta.body.document).to.deep.equal({ link: prices, filename: 'prices.pdf' });
    expect(doc.record.message.documentMessage).to.deep.equal({ mimetype: 'application/pdf', url: prices, fileName: 'prices.pdf' });

    const voiceUrl = files.serve('/voice.ogg', OGG, 'audio/ogg');
    const voice = await send('sendWhatsAppAudio', { number: CONTACT, audio: voiceUrl });
    expect(voice.meta.body.audio).to.deep.equal({ link: voiceUrl });
    expect(voice.record.message.audioMessage).to.deep.equal({ mimetype: 'audio/ogg; codecs=opus', ptt: true, url: voiceUrl });

    const stickerUrl = files.serve('/smile.webp', WEBP, 'image/webp');
    const sticker = await send('sendSticker', { number: CONTACT, sticker: stickerUrl });
    expect(sticker.meta.body.sticker).to.deep.equal({ link: stickerUrl });
    expect(sticker.record.message.stickerMessage).to.deep.equal({ mimetype: 'image/webp', url: stickerUrl });

    expect(files.requests, 'what the gateway fetched').to.deep.equal([]);
  });

  it('uploads base64 media first and sends it by its media id (document, voice note, sticker)', async () => {
    const doc = await send('sendMedia', { number: CONTACT, mediatype: 'document', media: PDF.toString('base64'), fileName: 'price-list.pdf', caption: 'prices' });
    const document = doc.meta.body.document as { id: string; filename: string; caption: string };
    expect(document).to.include({ filename: 'price-list.pdf', caption: 'prices' });
    const uploaded = world.peer.media(document.id);
    expect(uploaded?.mimeType).to.equal('application/pdf');
    expect(uploaded?.bytes.equals(PDF)).to.equal(true);
    expect(doc.record.message.documentMessage).to.include({ fileName: 'price-list.pdf', mimetype: 'application/pdf' });

    const voice = await send('sendWhatsAppAudio', { number: CONTACT, audio: OGG.toString('base64') });
    const audio = voice.meta.body.audio as { id: string };
    expect(Object.keys(audio)).to.deep.equal(['id']);
    expect(world.peer.media(audio.id)?.mimeType).to.equal('audio/ogg');
    expect(voice.record.message.audioMessage).to.include({ ptt: true });

    const sticker = await send('sendSticker', { number: CONTACT, sticker: WEBP.toString('base64') });
    const stickerObject = sticker.meta.body.sticker as { id: string };
    expect(world.peer.media(stickerObject.id)?.bytes.equals(WEBP)).to.equal(true);
    expect(sticker.record.messageType).to.equal('stickerMessage');
  });

  it('sends a location, contacts and a reaction', async () => {
    const location = await send('sendLocation', { number: CONTACT, latitude: -23.55, longitude: -46.63, name: 'Shop', address: 'Av. Paulista, 1000' });
    expect(location.meta.body.location).to.deep.equal({ latitude: -23.55, longitude: -46.63, name: 'Shop', address: 'Av. Paulista, 1000' });
    expect(location.record.message.locationMessage).to.include({ degreesLatitude: -23.55, degreesLongitude: -46.63 });

    const contact = await send('sendContact', { number: CONTACT, contact: [{ fullName: 'Ana Lima', phoneNumber: '+55 11 99999-0000', email: 'ana@example.com', organization: 'Acme' }] });
    expect(contact.meta.body.contacts).to.deep.equal([
      {
        name: { formatted_name: 'Ana Lima', first_name: 'Ana Lima' },
        phones: [{ phone: '+55 11 99999-0000' }],
        emails: [{ email: 'ana@example.com' }],
        org: { company: 'Acme' },
      },
    ]);
    expect(contact.record.message.contactMessage.vcard).to.include('waid=5511999990000');

    const reaction = await send('sendReaction', { key: { remoteJid: `${CONTACT}@s.whatsapp.net`, fromMe: true, id: location.meta.id }, reaction: '👍' });
    expect(reaction.meta.body.reaction).to.deep.equal({ message_id: location.meta.id, emoji: '👍' });
    expect(reaction.record.messageType).to.equal('reactionMessage');
  });

  it('sends a list and reply buttons as interactive messages, a thumbnail as the buttons\' image header', async () => {
    const list = await send('sendList', {
      number: CONTACT,
      title: 'Menu',
      description: 'Pick one',
      buttonText: 'Open',
      footerText: 'Thanks',
      sections: [{ title: 'Food', rows: [{ title: 'Pizza', description: 'Large', rowId: 'pizza' }] }],
    });
    expect(list.meta.body.interactive).to.deep.equal({
      type: 'list',
      header: { type: 'text', text: 'Menu' },
      body: { text: 'Pick one' },
      footer: { text: 'Thanks' },
      action: { button: 'Open', sections: [{ title: 'Food', rows: [{ id: 'pizza', title: 'Pizza', description: 'Large' }] }] },
    });
    const buttons = await send('sendButtons', {
      number: CONTACT,
      title: 'Confirm?',
      footer: 'Shop',
      buttons: [
        { type: 'reply', displayText: 'Yes', id: 'yes' },
        { type: 'reply', displayText: 'No', id: 'no' },
      ],
    });
    expect(buttons.meta.body.interactive).to.deep.equal({
      type: 'button',
      body: { text: 'Confirm?' },
      footer: { text: 'Shop' },
      action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }, { type: 'reply', reply: { id: 'no', title: 'No' } }] },
    });

    const menu = files.serve('/menu.png', png, 'image/png');
    const pictured = await send('sendButtons', { number: CONTACT, title: 'Today', thumbnailUrl: menu, buttons: [{ type: 'reply', displayText: 'Order', id: 'order' }] });
    expect(pictured.meta.body.interactive).to.deep.equal({
      type: 'button',
      header: { type: 'image', image: { link: menu } },
      body: { text: 'Today' },
      action: { buttons: [{ type: 'reply', reply: { id: 'order', title: 'Order' } }] },
    });
    expect(files.requests, 'what the gateway fetched').to.deep.equal([]);

    // Given as base64, the thumbnail is uploaded first; the header names its media id.
    const uploaded = await send('sendButtons', { number: CONTACT, title: 'Today', thumbnailUrl: png.toString('base64'), buttons: [{ type: 'reply', displayText: 'Order', id: 'order' }] });
    const header = (uploaded.meta.body.interactive as { header: { type: string; image: { id: string } } }).header;
    expect(header.type).to.equal('image');
    expect(world.peer.media(header.image.id)?.bytes.equals(png)).to.equal(true);
  });

  it('creates a template, finds it, and sends it', async () => {
    const created = await world.api.post('/template/create/shop', {
      name: 'order_ready',
      category: 'UTILITY',
      language: 'en_US',
      components: [{ type: 'BODY', text: 'Hello {{1}}, your order is ready.', example: { body_text: [['Ana']] } }],
      webhookUrl: 'https://hooks.example/templates',
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body).to.include({ name: 'order_ready', webhookUrl: 'https://hooks.example/templates' });
    expect(created.body.template).to.deep.include({ status: 'APPROVED', category: 'UTILITY' });
    expect(created.body.templateId).to.equal(created.body.template.id);
    expect(created.body).to.have.keys('id', 'templateId', 'name', 'template', 'webhookUrl', 'instanceId', 'createdAt', 'updatedAt');

    const again = await world.api.post('/template/create/shop', { name: 'order_ready', category: 'UTILITY', language: 'en_US', components: [{ type: 'BODY', text: 'x' }] });
    expect(again.status).to.equal(400);
    expect(again.body.response.message[0]).to.match(/^Meta refused to create the template: \(#100\) Invalid parameter: Message template "order_ready" already has content in en_US/);

    const found = await world.api.get('/template/find/shop');
    expect(found.status).to.equal(200);
    expect(found.body.map((t: { name: string }) => t.name)).to.deep.equal(['order_ready']);

    const sent = await send('sendTemplate', {
      number: CONTACT,
      name: 'order_ready',
      language: 'en_US',
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }],
    });
    expect(sent.meta.type).to.equal('template');
    expect(sent.meta.body.template).to.deep.equal({ name: 'order_ready', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }] });
    expect(sent.record.message).to.deep.equal({ conversation: '▶️order_ready◀️' });

    // Without a language the template is looked up in WA_BUSINESS_LANGUAGE (en_US): Meta finds
    // it, and refuses it for its missing parameter.
    const missing = await world.api.post('/message/sendTemplate/shop', { number: CONTACT, name: 'order_ready' });
    expect(missing.status).to.equal(400);
    expect(missing.body.response.message[0]).to.match(/\(#132000\) Number of parameters does not match/);
  });

  it('marks a received message read with Meta\'s read status', async () => {
    const wamid = 'wamid.HBgLMTU1NTAwMDExMTEVAgASGBQzQUI0RkU5QUQ2QkM2QjA5MTJDMwA=';
    world.peer.state.noteReceived(phone.id, wamid);
    const before = world.peer.count(`/${world.peer.version}/${phone.id}/messages`, 'POST');
    const read = await world.api.post('/chat/markMessageAsRead/shop', { readMessages: [{ remoteJid: `${CONTACT}@s.whatsapp.net`, fromMe: false, id: wamid }] });
    expect(read.status, JSON.stringify(read.body)).to.equal(201);
    expect(read.body).to.deep.equal({ message: 'Read messages', read: 'success' });
    expect(world.peer.count(`/${world.peer.version}/${phone.id}/messages`, 'POST')).to.equal(before + 1);
    const unknown = await world.api.post('/chat/markMessageAsRead/shop', { readMessages: [{ remoteJid: `${CONTACT}@s.whatsapp.net`, fromMe: false, id: 'wamid.unknown' }] });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.response.message[0]).to.match(/\(#100\) Invalid parameter: Message wamid.unknown was not received/);
  });

  it('waits out throttling: throttled twice still sends, throttled past the attempts is a 400 with Meta\'s code', async () => {
    world.peer.rateLimit(2, 'throughput');
    await send('sendText', { number: CONTACT, text: 'after two refusals' });
    world.peer.rateLimit(3, 'pair');
    const before = world.peer.sent(phone.id).length;
    const refused = await world.api.post('/message/sendText/shop', { number: CONTACT, text: 'too fast' });
    expect(refused.status).to.equal(400);
    expect(refused.body.response.message[0]).to.match(/^Meta refused to send the message: \(#131056\) \(Business Account, Consumer Account\) pair rate limit hit/);
    expect(world.peer.sent(phone.id)).to.have.length(before);
    expect((await world.api.get('/instance/connectionState/shop')).body.instance.state).to.equal('open');
  });

  it('sends through the instance\'s proxy once set, and directly again once removed', async () => {
    const proxy = await HttpProxy.start();
    try {
      const set = await world.api.post('/proxy/set/shop', { enabled: true, host: '127.0.0.1', port: String(proxy.port), protocol: 'http' });
      expect(set.status, JSON.stringify(set.body)).to.equal(201);
      const seenBefore = proxy.seen.length;
      await send('sendText', { number: CONTACT, text: 'through the proxy' });
      const peerHost = new URL(world.peer.url).host;
      expect(proxy.seen.slice(seenBefore).some((r) => r.target.includes(peerHost) && r.target.includes('/messages'))).to.equal(true);

      const off = await world.api.post('/proxy/set/shop', { enabled: false });
      expect(off.status, JSON.stringify(off.body)).to.equal(201);
      const seen = proxy.seen.length;
      await send('sendText', { number: CONTACT, text: 'directly' });
      expect(proxy.seen.length).to.equal(seen);
    } finally {
      await proxy.stop();
    }
  });

  it('refuses bad input before anything reaches Meta', async () => {
    const before = world.peer.requests.length;
    const pdf = files.serve('/menu.pdf', PDF, 'application/pdf');
    const clip = files.serve('/clip.mp4', Buffer.alloc(16), 'video/mp4');
    const reply = [{ type: 'reply', displayText: 'Yes', id: 'yes' }];
    const cases: Array<[string, unknown, RegExp]> = [
      ['/message/sendMedia/shop', { number: CONTACT, mediatype: 'image', media: 'http://bad host/x.png' }, /media could not be read: http:\/\/bad host\/x.png is not a valid URL/],
      ['/message/sendButtons/shop', { number: CONTACT, title: 'x', thumbnailUrl: pdf, buttons: reply }, /thumbnailUrl must be an image/],
      ['/message/sendPtv/shop', { number: CONTACT, video: clip }, /Sending video notes \(sendPtv\) is not available for WHATSAPP-BUSINESS instances/],
      ['/message/sendTemplate/shop', { number: CONTACT, language: 'en_US' }, /name is required/],
      ['/message/sendTemplate/shop', { number: CONTACT, name: 'x', language: 'english please' }, /language must be a language code/],
      ['/template/create/shop', { name: 'x', category: 'PROMO', language: 'en_US', components: [{}] }, /category must be one of/],
      ['/template/create/shop', { name: 'x', category: 'UTILITY', language: 'en_US', components: [] }, /components/],
    ];
    for (const [path, body, message] of cases) {
      const answer = await world.api.post(path, body);
      expect(answer.status, `${path} ${JSON.stringify(body)}`).to.equal(400);
      expect(answer.body.response.message.join(' ')).to.match(message);
    }
    expect(world.peer.requests.length).to.equal(before);
    expect(files.requests, 'what the gateway fetched').to.deep.equal([]);
  });
});
