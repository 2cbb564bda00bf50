import { expect } from 'chai';
import { normalizeJid } from '../../lib/messages/jid.js';

describe('normalizeJid', () => {
  it('turns bare digits into a user jid', () => {
    expect(normalizeJid('5511999999999')).to.equal('5511999999999@s.whatsapp.net');
  });

  it('drops the punctuation people write numbers with', () => {
    expect(normalizeJid('+55 11 99999-9999')).to.equal('5511999999999@s.whatsapp.net');
    expect(normalizeJid(' +1 (555) 000-6001 ')).to.equal('15550006001@s.whatsapp.net');
  });

  it('keeps a user jid, dropping a device suffix and the old c.us server', () => {
    expect(normalizeJid('5511999999999@s.whatsapp.net')).to.equal('5511999999999@s.whatsapp.net');
    expect(normalizeJid('5511999999999:12@s.whatsapp.net')).to.equal('5511999999999@s.whatsapp.net');
    expect(normalizeJid('5511999999999@c.us')).to.equal('5511999999999@s.whatsapp.net');
  });

  it('keeps group, lid, broadcast and newsletter jids as they are', () => {
    for (const jid of ['120363025246125486@g.us', '5511999999999-1618240429@g.us', '123456789012345@lid', 'status@broadcast', '120363000000000000@newsletter']) {
      expect(normalizeJid(jid)).to.equal(jid);
    }
  });

  it('reads a group id without its server as a group', () => {
    expect(normalizeJid('120363025246125486')).to.equal('120363025246125486@g.us');
    expect(normalizeJid('5511999999999-1618240429')).to.equal('5511999999999-1618240429@g.us');
  });
});
