import { proto } from '@whiskeysockets/baileys';
import { expect } from 'chai';
import { historyChunks, syncTypeOf, type PhoneHistory } from '../support/whatsapp-emulator/history.js';

const DAY = 86_400;
const NOW = 1_800_000_000;
const Type = proto.HistorySync.HistorySyncType;
const sealImage = () => ({ directPath: '/v/blob', mediaKey: Buffer.alloc(32) });

const history: PhoneHistory = {
  conversations: [
    {
      jid: '1@s.whatsapp.net',
      name: 'One',
      messages: [
        { id: 'today', fromMe: false, text: 'today', timestamp: NOW - 60 },
        { id: 'yesterday', fromMe: true, text: 'yesterday', timestamp: NOW - DAY },
        { id: 'month', fromMe: false, text: 'a month ago', timestamp: NOW - 30 * DAY },
        { id: 'year', fromMe: false, text: 'a year ago', timestamp: NOW - 365 * DAY },
      ],
    },
    { jid: '2@s.whatsapp.net', messages: [{ id: 'old', fromMe: false, text: 'old', timestamp: NOW - 40 * DAY }] },
  ],
  contacts: [{ jid: '3@s.whatsapp.net', name: 'Three' }],
};

const idsOf = (chunk: proto.IHistorySync) => (chunk.conversations ?? []).map((c) => [c.id, (c.messages ?? []).map((m) => m.message?.key?.id)]);

describe('history chunks of an emulated phone', () => {
  it('puts a message in the bootstrap, RECENT or FULL by its age', () => {
    expect(syncTypeOf(NOW - 6 * DAY, {}, NOW)).to.equal(Type.INITIAL_BOOTSTRAP);
    expect(syncTypeOf(NOW - 8 * DAY, {}, NOW)).to.equal(Type.RECENT);
    expect(syncTypeOf(NOW - 91 * DAY, {}, NOW)).to.equal(Type.FULL);
    expect(syncTypeOf(NOW - 2 * DAY, { bootstrapDays: 1, recentDays: 2 }, NOW)).to.equal(Type.FULL);
  });

  it('sends every chat in the bootstrap, names in PUSH_NAME, older messages in RECENT, newest first', () => {
    const chunks = historyChunks(history, { now: NOW, fullSync: false, sealImage });
    expect(chunks.map((c) => c.syncType)).to.deep.equal([Type.INITIAL_BOOTSTRAP, Type.PUSH_NAME, Type.RECENT]);
    expect(idsOf(chunks[0])).to.deep.equal([
      ['1@s.whatsapp.net', ['today', 'yesterday']],
      ['2@s.whatsapp.net', []],
    ]);
    expect(chunks[0].conversations?.[0]).to.include({ name: 'One', conversationTimestamp: NOW - 60 });
    expect(chunks[1].pushnames).to.deep.equal([{ id: '3@s.whatsapp.net', pushname: 'Three' }]);
    expect(idsOf(chunks[2])).to.deep.equal([
      ['1@s.whatsapp.net', ['month']],
      ['2@s.whatsapp.net', ['old']],
    ]);
    expect(chunks.map((c) => [c.chunkOrder, c.progress])).to.deep.equal([
      [0, 33],
      [1, 67],
      [2, 100],
    ]);
  });

  it('adds the messages beyond RECENT as FULL only for a device that asked for the full history', () => {
    const chunks = historyChunks(history, { now: NOW, fullSync: true, sealImage });
    expect(chunks.map((c) => c.syncType)).to.deep.equal([Type.INITIAL_BOOTSTRAP, Type.PUSH_NAME, Type.RECENT, Type.FULL]);
    expect(idsOf(chunks[3])).to.deep.equal([['1@s.whatsapp.net', ['year']]]);
    expect(chunks[3].progress).to.equal(100);
  });

  it('keeps timestamps, marks own messages read, and carries images as sealed media', () => {
    const withImage: PhoneHistory = {
      conversations: [
        {
          jid: '1@s.whatsapp.net',
          messages: [
            { id: 'mine', fromMe: true, text: 'mine', timestamp: NOW - 10 },
            { id: 'pic', fromMe: false, image: { bytes: Buffer.from('jpeg'), caption: 'look' }, timestamp: NOW - 20, pushName: 'One' },
          ],
        },
      ],
    };
    const [bootstrap] = historyChunks(withImage, { now: NOW, fullSync: false, sealImage });
    const [mine, pic] = (bootstrap.conversations?.[0].messages ?? []).map((m) => m.message!);
    expect(mine).to.deep.include({ messageTimestamp: NOW - 10, status: proto.WebMessageInfo.Status.READ });
    expect(pic.pushName).to.equal('One');
    expect(pic.message?.imageMessage).to.deep.include({ directPath: '/v/blob', mimetype: 'image/jpeg', caption: 'look' });
  });
});
