import { expect } from 'chai';
import { byPhoneNumber, whatsappKey } from '../../lib/messages/message-key.js';

const GROUP = '120363025246125486@g.us';
const PN = '5511999990001@s.whatsapp.net';
const LID = '123456789012345@lid';

describe('message keys', () => {
  it('keeps WhatsApp’s key without the alternate addresses', () => {
    const key = { id: 'ABC', remoteJid: GROUP, fromMe: false, participant: LID, participantAlt: PN, remoteJidAlt: undefined };
    expect(whatsappKey(key)).to.deep.equal({ id: 'ABC', remoteJid: GROUP, fromMe: false, participant: LID });
  });

  it('picks the phone number of an address and its alternate, whichever it is', () => {
    expect(byPhoneNumber(LID, PN)).to.equal(PN);
    expect(byPhoneNumber(PN, LID)).to.equal(PN);
    expect(byPhoneNumber(LID, undefined)).to.equal(LID);
  });
});
