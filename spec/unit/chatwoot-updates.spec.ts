import { expect } from 'chai';
import { editedContent, editedText, editLinkId } from '../../lib/chatwoot/edited-message.js';
import { reactionOf } from '../../lib/chatwoot/reaction.js';
import { loadConfig } from '../../lib/config.js';
import { address, type InstanceContext } from '../../lib/dispatcher/destinations.js';
import type { EventName } from '../../lib/events/names.js';
import type { EventPayloads } from '../../lib/events/payloads.js';
import { CHATWOOT_TEMPLATE } from '../../lib/instance-config/chatwoot.js';

const JID = '15550001111@s.whatsapp.net';

describe('Chatwoot reactions, edits and deletions', () => {
  describe('reactionOf', () => {
    it('gives the emoji and the id of the message reacted to', () => {
      expect(reactionOf({ reactionMessage: { key: { id: 'ABC', remoteJid: JID, fromMe: false }, text: '👍' } })).to.deep.equal({ text: '👍', targetId: 'ABC' });
    });

    it('gives no emoji for a reaction taken back, and null for anything else', () => {
      expect(reactionOf({ reactionMessage: { key: { id: 'ABC' }, text: '' } })).to.deep.equal({ text: '', targetId: 'ABC' });
      expect(reactionOf({ conversation: 'hi' })).to.equal(null);
    });
  });

  describe('edits', () => {
    it('reads the new text of a text or extended text edit, and nothing of other edits', () => {
      expect(editedText({ conversation: 'new' })).to.equal('new');
      expect(editedText({ extendedTextMessage: { text: 'longer' } })).to.equal('longer');
      expect(editedText({ imageMessage: { caption: 'a caption' } })).to.equal(null);
      expect(editedText(null)).to.equal(null);
    });

    it('writes the edit under Evolution\'s label, in markdown', () => {
      expect(editedContent('at *11*')).to.equal('\n\n`Edited Message:`\n\nat **11**');
    });

    it('keeps each edit of a message apart', () => {
      expect(editLinkId('ABC', 100)).to.not.equal(editLinkId('ABC', 101));
      expect(editLinkId('ABC', 100)).to.not.equal('ABC');
    });
  });

  describe('outbox rows', () => {
    const events = loadConfig({ AUTHENTICATION_API_KEY: 'a-long-random-key-for-the-unit-spec' }).events;
    const base = { serverUrl: 'http://gateway.test', dateTime: '2026-01-01T00:00:00.000Z' };
    const context = (ignoreJids: string[] = []): InstanceContext => ({
      id: 'instance-1',
      name: 'talk',
      brokerName: 'talk',
      token: null,
      ownerJid: null,
      webhook: null,
      integrations: new Map(),
      chatwoot: { ...CHATWOOT_TEMPLATE, enabled: true, ignoreJids },
    });
    const rows = <E extends EventName>(event: E, data: EventPayloads[E], ignoreJids: string[] = []) =>
      address(event, data, context(ignoreJids), events, base).filter((row) => row.sink === 'chatwoot');
    const ref = { keyId: 'ABC', remoteJid: JID, fromMe: false, participant: null, instanceId: 'instance-1' };

    it('puts a text edit on the chat\'s lane, and no other edit', () => {
      const [row, ...rest] = rows('MESSAGES_EDITED', { ...ref, message: { conversation: 'new' }, messageTimestamp: 100 });
      expect(rest).to.have.length(0);
      expect(row.destination).to.equal(JID);
      expect(row.delivery).to.include({ kind: 'edit' });
      expect(row.delivery).to.have.deep.property('edit', { whatsappId: 'ABC', fromMe: false, text: 'new', editedAt: 100 });
      expect(rows('MESSAGES_EDITED', { ...ref, message: { imageMessage: {} }, messageTimestamp: 100 })).to.have.length(0);
    });

    it('puts a revoked message on the chat\'s lane, unless the chat is ignored', () => {
      const [row] = rows('MESSAGES_DELETE', { ...ref, id: 'ABC' });
      expect(row.destination).to.equal(JID);
      expect(row.delivery).to.include({ kind: 'delete', whatsappId: 'ABC' });
      expect(rows('MESSAGES_DELETE', { ...ref, id: 'ABC' }, [JID])).to.have.length(0);
      expect(rows('MESSAGES_DELETE', { jid: JID, all: true })).to.have.length(0);
    });
  });
});
