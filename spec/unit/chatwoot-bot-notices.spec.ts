import { expect } from 'chai';
import { botNotice, CONNECTED_NOTICE, QR_LIMIT_NOTICE, QR_NOTICE } from '../../lib/chatwoot/bot-notices.js';

describe('Chatwoot bot notices', () => {
  const names = { instance: 'shop', inbox: 'Shop Desk' };
  const qr = (pairingCode: string | null, base64?: string) => ({ qrcode: { instance: 'shop', pairingCode, code: '2@abc', count: 1, ...(base64 ? { base64 } : {}) } });

  it('posts each QR code as a PNG named after the instance, asking to scan it', () => {
    expect(botNotice('QRCODE_UPDATED', qr(null, 'data:image/png;base64,iVBORw0KGgo='), names)).to.deep.equal({
      content: QR_NOTICE,
      image: { base64: 'iVBORw0KGgo=', filename: 'shop.png' },
    });
    expect(QR_NOTICE).to.match(/Scan this QR code/);
  });

  it('adds the pairing code, grouped by four as the phone shows it', () => {
    const notice = botNotice('QRCODE_UPDATED', qr('ABCD1234', 'data:image/png;base64,AA=='), names);
    expect(notice?.content).to.equal(`${QR_NOTICE}\n\n*Pairing Code:* ABCD-1234`);
  });

  it('says nothing for a QR code without its image, and warns when QR codes ran out', () => {
    expect(botNotice('QRCODE_UPDATED', qr(null), names)).to.equal(null);
    expect(botNotice('QRCODE_UPDATED', { message: 'QR code limit reached', statusCode: 500 }, names)).to.deep.equal({ content: QR_LIMIT_NOTICE, image: null });
  });

  it('announces the connection when it opens, not when it closes or connects', () => {
    expect(botNotice('CONNECTION_UPDATE', { instance: 'shop', state: 'open', statusReason: 200 }, names)).to.deep.equal({ content: CONNECTED_NOTICE, image: null });
    expect(botNotice('CONNECTION_UPDATE', { instance: 'shop', state: 'close', statusReason: 428 }, names)).to.equal(null);
    expect(botNotice('CONNECTION_UPDATE', { instance: 'shop', state: 'connecting', statusReason: null }, names)).to.equal(null);
  });

  it('reports a close only when it waits for the user (logged out, forbidden), naming the inbox', () => {
    for (const code of [401, 403]) {
      expect(botNotice('STATUS_INSTANCE', { instance: 'shop', status: 'close', disconnectionReasonCode: code }, names)?.content).to.equal('⚠️ Shop Desk instance status: *closed*.');
    }
    for (const code of [428, 440, 515, null]) {
      expect(botNotice('STATUS_INSTANCE', { instance: 'shop', status: 'close', disconnectionReasonCode: code }, names), String(code)).to.equal(null);
    }
    expect(botNotice('STATUS_INSTANCE', { instance: 'shop', status: 'close' }, names)).to.equal(null);
    expect(botNotice('STATUS_INSTANCE', { instance: 'shop', status: 'open' }, names)).to.equal(null);
  });

  it('ignores every other event', () => {
    expect(botNotice('LOGOUT_INSTANCE', { instance: 'shop' }, names)).to.equal(null);
  });
});
