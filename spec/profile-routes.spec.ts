import { expect } from 'chai';
import QRCode from 'qrcode';
import type { Api } from './support/api.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const OWNER = '15550009000';
const FRIEND = '15550009001';
const SHOP = '15550009002';
const NOT_ON_WHATSAPP = '15550009099';

describe('profile routes through the emulator', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess;
  let api: Api;

  before(async () => {
    wa = await WaEmulator.start();
    gateway = await GatewayProcess.start({ env: emulatorEnv(wa) });
    api = gateway.api();
    await createPaired(api, wa, 'me', OWNER);
    wa.addContact(FRIEND, 'Fran Friend').about = 'Out fishing';
    wa.addContact(SHOP, 'Sam Shop').business = {
      description: 'Fresh bread daily',
      email: 'hello@shop.example',
      website: 'https://shop.example',
      category: 'Bakery',
    };
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
  });

  describe('fetchProfile', () => {
    it("answers a contact's about text, picture and business profile", async () => {
      const picture = wa.setProfilePicture(FRIEND, { url: 'https://pictures.example/fran.jpg' });
      const res = await api.post('/chat/fetchProfile/me', { number: FRIEND });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({
        wuid: `${FRIEND}@s.whatsapp.net`,
        numberExists: true,
        picture: picture?.url,
        status: 'Out fishing',
        isBusiness: false,
      });
      const shop = await api.post('/chat/fetchProfile/me', { number: SHOP });
      expect(shop.body).to.include({ isBusiness: true, description: 'Fresh bread daily', email: 'hello@shop.example', website: 'https://shop.example' });
    });

    it('answers an empty about text when the contact keeps it private, as Evolution does', async () => {
      wa.account(FRIEND).privacy.set('status', 'none');
      const res = await api.post('/chat/fetchProfile/me', { number: FRIEND });
      expect(res.body.status).to.equal('');
      wa.account(FRIEND).privacy.set('status', 'all');
    });

    it('refuses a number not on WhatsApp', async () => {
      const res = await api.post('/chat/fetchProfile/me', { number: NOT_ON_WHATSAPP });
      expect(res.status).to.equal(400);
    });
  });

  describe('fetchBusinessProfile', () => {
    it("answers a business account's profile", async () => {
      const res = await api.post('/chat/fetchBusinessProfile/me', { number: SHOP });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.include({
        isBusiness: true,
        wid: `${SHOP}@s.whatsapp.net`,
        description: 'Fresh bread daily',
        email: 'hello@shop.example',
        website: ['https://shop.example'],
        category: 'Bakery',
      });
    });

    it('answers isBusiness false for an ordinary account', async () => {
      const res = await api.post('/chat/fetchBusinessProfile/me', { number: FRIEND });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ isBusiness: false, exists: true, jid: `${FRIEND}@s.whatsapp.net` });
    });
  });

  describe('privacy settings', () => {
    const settings = { readreceipts: 'none', profile: 'contacts', status: 'contact_blacklist', online: 'match_last_seen', last: 'none', groupadd: 'contacts' };

    it('reads what WhatsApp holds, and changes it', async () => {
      const before = await api.get('/chat/fetchPrivacySettings/me');
      expect(before.status).to.equal(200);
      expect(before.body).to.deep.equal({ readreceipts: 'all', profile: 'all', status: 'all', online: 'all', last: 'all', groupadd: 'all' });

      const res = await api.post('/chat/updatePrivacySettings/me', settings);
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.equal({ update: 'success', data: settings });
      expect(Object.fromEntries(wa.account(OWNER).privacy)).to.include(settings);

      const after = await api.get('/chat/fetchPrivacySettings/me');
      expect(after.body).to.deep.equal(settings);
    });

    it('refuses a value WhatsApp does not know, or a missing category', async () => {
      expect((await api.post('/chat/updatePrivacySettings/me', { ...settings, online: 'contacts' })).status).to.equal(400);
      const { groupadd: _groupadd, ...partial } = settings;
      expect((await api.post('/chat/updatePrivacySettings/me', partial)).status).to.equal(400);
    });
  });

  describe('updateProfileStatus', () => {
    it('sets the about text contacts read', async () => {
      const res = await api.post('/chat/updateProfileStatus/me', { status: 'At the gym' });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ update: 'success' });
      expect(wa.account(OWNER).about).to.equal('At the gym');
    });

    it('refuses an empty or overlong text', async () => {
      expect((await api.post('/chat/updateProfileStatus/me', { status: '' })).status).to.equal(400);
      expect((await api.post('/chat/updateProfileStatus/me', { status: 'x'.repeat(140) })).status).to.equal(400);
    });
  });

  describe('profile picture', () => {
    it('sets the picture from base64, which contacts then see, and removes it', async () => {
      const png = await QRCode.toBuffer('my new face');
      const res = await api.post('/chat/updateProfilePicture/me', { picture: png.toString('base64') });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ update: 'success' });
      const picture = wa.account(OWNER).profilePicture;
      expect(picture).to.not.equal(null);
      const served = await fetch(picture!.url);
      const jpeg = Buffer.from(await served.arrayBuffer());
      expect([jpeg[0], jpeg[1]]).to.deep.equal([0xff, 0xd8]);

      const seen = await api.post('/chat/fetchProfilePictureUrl/me', { number: OWNER });
      expect(seen.body.profilePictureUrl).to.equal(picture!.url);

      const removed = await api.delete('/chat/removeProfilePicture/me');
      expect(removed.status).to.equal(200);
      expect(removed.body).to.deep.equal({ update: 'success' });
      expect(wa.account(OWNER).profilePicture).to.equal(null);
      const after = await api.post('/chat/fetchProfilePictureUrl/me', { number: OWNER });
      expect(after.body.profilePictureUrl).to.equal(null);
    });

    it('refuses a picture that is neither a URL nor base64 of an image', async () => {
      const res = await api.post('/chat/updateProfilePicture/me', { picture: Buffer.from('just some text').toString('base64') });
      expect(res.status).to.equal(400);
    });
  });
});
