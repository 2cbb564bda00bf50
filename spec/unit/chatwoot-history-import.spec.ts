import { expect } from 'chai';
import { importableContacts, importableMessages } from '../../lib/chatwoot/history-import.js';
import type { MessageRecord } from '../../lib/messages/types.js';

const DAY = 86_400;
const NOW = 1_800_000_000;

function record(id: string, remoteJid: string, messageTimestamp: number, remoteJidAlt?: string): MessageRecord {
  return {
    key: { id, remoteJid, fromMe: false, ...(remoteJidAlt ? { remoteJidAlt } : {}) },
    pushName: null,
    status: 'DELIVERY_ACK',
    message: { conversation: id },
    messageType: 'conversation',
    messageTimestamp,
    instanceId: 'i',
    source: 'android',
  };
}

describe('which synced history goes into Chatwoot', () => {
  it('takes the messages of the last daysLimit days, oldest first', () => {
    const records = [
      record('new', '1@s.whatsapp.net', NOW - 60),
      record('edge', '1@s.whatsapp.net', NOW - 7 * DAY),
      record('old', '1@s.whatsapp.net', NOW - 7 * DAY - 1),
      record('mid', '2@s.whatsapp.net', NOW - DAY),
    ];
    const ids = importableMessages(records, { daysLimit: 7, ignoreJids: [], nowSeconds: NOW }).map((r) => r.key.id);
    expect(ids).to.deep.equal(['edge', 'mid', 'new']);
  });

  it('leaves out status updates, ignored chats and LID chats without a phone number', () => {
    const records = [
      record('status', 'status@broadcast', NOW),
      record('ignored', '3@s.whatsapp.net', NOW),
      record('lid', '77@lid', NOW),
      record('lid-with-pn', '78@lid', NOW, '4@s.whatsapp.net'),
      record('group', '5@g.us', NOW),
    ];
    const ids = importableMessages(records, { daysLimit: 1, ignoreJids: ['3@s.whatsapp.net'], nowSeconds: NOW }).map((r) => r.key.id);
    expect(ids).to.deep.equal(['lid-with-pn', 'group']);
  });

  it('takes contacts with a phone number once each, keeping a name once known', () => {
    const contacts = importableContacts(
      [
        { remoteJid: '1@s.whatsapp.net', pushName: 'Ann' },
        { remoteJid: '1@s.whatsapp.net' },
        { remoteJid: '2@lid', pushName: 'Lid' },
        { remoteJid: '5@g.us', pushName: 'Group' },
        { remoteJid: '3@s.whatsapp.net', pushName: 'Ignored' },
        { remoteJid: '4@s.whatsapp.net' },
      ],
      ['3@s.whatsapp.net'],
    );
    expect(contacts).to.deep.equal([
      { remoteJid: '1@s.whatsapp.net', pushName: 'Ann' },
      { remoteJid: '4@s.whatsapp.net', pushName: null },
    ]);
  });
});
