import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import type { proto } from '@whiskeysockets/baileys';
import QRCode from 'qrcode';
import type { Api } from './support/api.js';
import { FileServer } from './support/file-server.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const OWNER = '15550007000';
const CONTACT = '15550007001';
const CONTACT_JID = `${CONTACT}@s.whatsapp.net`;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The interactive message inside the view-once wrapper Evolution sends buttons in. */
function interactiveOf(message: proto.IMessage): proto.Message.IInteractiveMessage {
  const interactive = message.viewOnceMessage?.message?.interactiveMessage;
  if (!interactive) throw new Error(`no interactive message in ${JSON.stringify(message)}`);
  return interactive;
}

function buttonsOf(message: proto.IMessage): { name: string; params: Record<string, unknown> }[] {
  return (interactiveOf(message).nativeFlowMessage?.buttons ?? []).map((button) => ({
    name: button.name ?? '',
    params: JSON.parse(button.buttonParamsJson ?? '{}') as Record<string, unknown>,
  }));
}

describe('list, buttons and video notes through the emulator', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess;
  let api: Api;
  let files: FileServer;

  before(async () => {
    wa = await WaEmulator.start();
    files = await FileServer.start();
    gateway = await GatewayProcess.start({ env: emulatorEnv(wa) });
    api = gateway.api();
    await createPaired(api, wa, 'kinds', OWNER);
    wa.addContact(CONTACT, 'Dora Contact');
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
    await files?.stop();
  });

  describe('sendList', () => {
    it('a list message arrives with its sections, rows and button text', async () => {
      const sections = [
        { title: 'Pizzas', rows: [{ title: 'Margherita', description: 'tomato, basil', rowId: 'pizza-1' }, { title: 'Diavola', rowId: 'pizza-2' }] },
        { title: 'Drinks', rows: [{ title: 'Water', description: 'still', rowId: 'drink-1' }] },
      ];
      const res = await api.post('/message/sendList/kinds', {
        number: CONTACT,
        title: 'Menu',
        description: 'Pick one',
        buttonText: 'See the menu',
        footerText: 'Open until 22:00',
        sections,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.key).to.deep.include({ remoteJid: CONTACT_JID, fromMe: true });
      expect(res.body.messageType).to.equal('listMessage');
      const received = await wa.nextMessage(CONTACT);
      expect(received.id).to.equal(res.body.key.id);
      const list = received.message.listMessage;
      expect(list).to.include({ title: 'Menu', description: 'Pick one', buttonText: 'See the menu', footerText: 'Open until 22:00' });
      expect(list?.listType, 'the list type Evolution sends: PRODUCT_LIST').to.equal(2);
      expect(list?.sections?.map((section) => ({ title: section.title, rows: section.rows?.map((row) => ({ ...row })) }))).to.deep.equal([
        { title: 'Pizzas', rows: [{ title: 'Margherita', description: 'tomato, basil', rowId: 'pizza-1' }, { title: 'Diavola', rowId: 'pizza-2' }] },
        { title: 'Drinks', rows: [{ title: 'Water', description: 'still', rowId: 'drink-1' }] },
      ]);
    });

    it('refuses a list without sections or with a row lacking its id', async () => {
      const base = { number: CONTACT, title: 'Menu', buttonText: 'See' };
      const empty = await api.post('/message/sendList/kinds', { ...base, sections: [] });
      expect(empty.status).to.equal(400);
      const noId = await api.post('/message/sendList/kinds', { ...base, sections: [{ title: 'A', rows: [{ title: 'x' }] }] });
      expect(noId.status).to.equal(400);
      expect(JSON.stringify(noId.body)).to.contain('rowId');
    });
  });

  describe('sendButtons', () => {
    it('reply buttons arrive as quick replies of an interactive message with body and footer', async () => {
      const res = await api.post('/message/sendButtons/kinds', {
        number: CONTACT,
        title: 'Your order',
        description: 'Confirm it?',
        footer: 'Pizza place',
        buttons: [
          { type: 'reply', displayText: 'Yes', id: 'yes' },
          { type: 'reply', displayText: 'No', id: 'no' },
        ],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.key).to.deep.include({ remoteJid: CONTACT_JID, fromMe: true });
      expect(res.body.messageType).to.equal('interactiveMessage');
      const received = await wa.nextMessage(CONTACT);
      expect(received.id).to.equal(res.body.key.id);
      const interactive = interactiveOf(received.message);
      expect(interactive.body?.text).to.equal('*Your order*\n\nConfirm it?\n');
      expect(interactive.footer?.text).to.equal('Pizza place');
      expect(buttonsOf(received.message)).to.deep.equal([
        { name: 'quick_reply', params: { display_text: 'Yes', id: 'yes' } },
        { name: 'quick_reply', params: { display_text: 'No', id: 'no' } },
      ]);
      expect(JSON.parse(interactive.nativeFlowMessage?.messageParamsJson ?? '{}')).to.have.property('from', 'api');
    });

    it('url, call and copy buttons arrive as call-to-action buttons, under a thumbnail image', async () => {
      const png = await QRCode.toBuffer('the shop');
      const thumbnailUrl = files.serve('/shop.png', png, 'image/png');
      const res = await api.post('/message/sendButtons/kinds', {
        number: CONTACT,
        title: 'Shop',
        thumbnailUrl,
        buttons: [
          { type: 'url', displayText: 'Open', url: 'https://shop.example.com' },
          { type: 'call', displayText: 'Call us', phoneNumber: '+5511999990000' },
          { type: 'copy', displayText: 'Coupon', copyCode: 'SAVE10' },
        ],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const received = await wa.nextMessage(CONTACT);
      expect(interactiveOf(received.message).body?.text).to.equal('*Shop*');
      expect(buttonsOf(received.message)).to.deep.equal([
        { name: 'cta_url', params: { display_text: 'Open', url: 'https://shop.example.com', merchant_url: 'https://shop.example.com' } },
        { name: 'cta_call', params: { display_text: 'Call us', phone_number: '+5511999990000' } },
        { name: 'cta_copy', params: { display_text: 'Coupon', copy_code: 'SAVE10' } },
      ]);
      const header = interactiveOf(received.message).header;
      expect(header?.hasMediaAttachment).to.equal(true);
      expect(header?.imageMessage?.mimetype).to.equal('image/png');
      expect(sha256(wa.downloadReceivedMedia({ ...received, message: { imageMessage: header?.imageMessage } }))).to.equal(sha256(png));
    });

    it('a PIX button arrives alone as a payment request with its static key', async () => {
      const res = await api.post('/message/sendButtons/kinds', {
        number: CONTACT,
        title: 'Pay',
        buttons: [{ type: 'pix', currency: 'BRL', name: 'Pizza Place', keyType: 'email', key: 'pay@pizza.example.com' }],
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const received = await wa.nextMessage(CONTACT);
      const interactive = interactiveOf(received.message);
      expect(interactive.body ?? null).to.equal(null);
      const [pix] = buttonsOf(received.message);
      expect(pix.name).to.equal('payment_info');
      expect(pix.params).to.include({ currency: 'BRL', type: 'physical-goods', share_payment_status: false });
      expect(pix.params.reference_id).to.be.a('string').and.not.empty;
      expect(pix.params.payment_settings).to.deep.equal([
        { type: 'pix_static_code', pix_static_code: { merchant_name: 'Pizza Place', key: 'pay@pizza.example.com', key_type: 'EMAIL' } },
      ]);
    });

    it('refuses the sets of buttons Evolution refuses, and sends nothing', async () => {
      const send = (buttons: unknown[]) => api.post('/message/sendButtons/kinds', { number: CONTACT, title: 'x', buttons });
      const reply = (id: string) => ({ type: 'reply', displayText: id, id });
      const cases: [unknown[], string][] = [
        [[reply('a'), reply('b'), reply('c'), reply('d')], 'Maximum of 3 reply buttons'],
        [[reply('a'), { type: 'url', displayText: 'Open', url: 'https://a.example' }], 'cannot be mixed'],
        [[{ type: 'pix', currency: 'BRL', name: 'A', keyType: 'cpf', key: '1' }, { type: 'copy', displayText: 'c', copyCode: 'c' }], 'cannot be mixed'],
        [[{ type: 'url', displayText: 'Open' }], 'needs url'],
        [[], 'buttons'],
      ];
      for (const [buttons, why] of cases) {
        const res = await send(buttons);
        expect(res.status, JSON.stringify(buttons)).to.equal(400);
        expect(JSON.stringify(res.body), JSON.stringify(buttons)).to.contain(why);
      }
      const before = wa.receivedMessages(CONTACT).length;
      const sent = await api.post('/message/sendText/kinds', { number: CONTACT, text: 'after the refusals' });
      expect(sent.status).to.equal(201);
      const next = await wa.nextMessage(CONTACT);
      expect(next.id, 'no refused message reached the phone').to.equal(sent.body.key.id);
      expect(wa.receivedMessages(CONTACT).length).to.equal(before + 1);
    });
  });

  describe('sendPtv', () => {
    it('a round video note arrives as ptvMessage with the same bytes', async () => {
      const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), randomBytes(4000)]);
      const res = await api.post('/message/sendPtv/kinds', { number: CONTACT, video: mp4.toString('base64') });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.messageType).to.equal('ptvMessage');
      const received = await wa.nextMessage(CONTACT);
      expect(received.id).to.equal(res.body.key.id);
      expect(received.message.videoMessage ?? null, 'not a plain video').to.equal(null);
      expect(received.message.ptvMessage?.mimetype).to.equal('video/mp4');
      expect(sha256(wa.downloadReceivedMedia(received))).to.equal(sha256(mp4));
    });

    it('takes the video note as a multipart file too', async () => {
      const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), randomBytes(2000)]);
      const form = new FormData();
      form.set('number', CONTACT);
      form.set('file', new Blob([mp4], { type: 'video/mp4' }), 'note.mp4');
      const response = await fetch(`${api.baseUrl}/message/sendPtv/kinds`, { method: 'POST', headers: { apikey: api.key }, body: form });
      expect(response.status, await response.clone().text()).to.equal(201);
      const received = await wa.nextMessage(CONTACT);
      expect(sha256(wa.downloadReceivedMedia(received))).to.equal(sha256(mp4));
    });
  });
});
