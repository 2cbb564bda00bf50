import { expect } from 'chai';
import QRCode from 'qrcode';
import type { Api } from './support/api.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const OWNER = '15550008000';
const WITH_PICTURE = '15550008001';
const WITHOUT_PICTURE = '15550008002';
const HIDDEN_PICTURE = '15550008003';
const NOT_ON_WHATSAPP = '15550008099';

describe('profile pictures through the emulator', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess;
  let api: Api;
  let png: Buffer;

  before(async () => {
    wa = await WaEmulator.start();
    png = await QRCode.toBuffer('a profile picture');
    gateway = await GatewayProcess.start({ env: emulatorEnv(wa) });
    api = gateway.api();
    await createPaired(api, wa, 'faces', OWNER);
    wa.addContact(WITH_PICTURE, 'Pat Picture');
    wa.addContact(WITHOUT_PICTURE, 'Nell None');
    wa.addContact(HIDDEN_PICTURE, 'Hal Hidden');
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
  });

  const fetchPicture = (number: string) => api.post('/chat/fetchProfilePictureUrl/faces', { number });

  it("answers a contact's picture URL, which serves the picture", async () => {
    const picture = wa.setProfilePicture(WITH_PICTURE, { bytes: png, mimetype: 'image/png' });
    const res = await fetchPicture(WITH_PICTURE);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ wuid: `${WITH_PICTURE}@s.whatsapp.net`, profilePictureUrl: picture?.url });
    const served = await fetch(res.body.profilePictureUrl);
    expect(served.status).to.equal(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).to.equal(true);
  });

  it('answers the new URL after the contact changes its picture', async () => {
    const changed = wa.setProfilePicture(WITH_PICTURE, { url: 'https://pictures.example/new-face.jpg' });
    const res = await fetchPicture(WITH_PICTURE);
    expect(res.body).to.deep.equal({ wuid: `${WITH_PICTURE}@s.whatsapp.net`, profilePictureUrl: changed?.url });
  });

  it('answers null for a contact without a picture, or whose privacy hides it', async () => {
    wa.setProfilePicture(HIDDEN_PICTURE, { url: 'https://pictures.example/hidden.jpg' }, { hidden: true });
    for (const number of [WITHOUT_PICTURE, HIDDEN_PICTURE]) {
      const res = await fetchPicture(number);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ wuid: `${number}@s.whatsapp.net`, profilePictureUrl: null });
    }
  });

  it('answers null for a number not on WhatsApp, as Evolution does', async () => {
    const res = await fetchPicture(NOT_ON_WHATSAPP);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ wuid: `${NOT_ON_WHATSAPP}@s.whatsapp.net`, profilePictureUrl: null });
  });

  it('refuses a request without a number', async () => {
    const res = await api.post('/chat/fetchProfilePictureUrl/faces', {});
    expect(res.status).to.equal(400);
  });
});
