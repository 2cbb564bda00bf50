import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { stableEventId } from '../../lib/cloud/event-id.js';
import { inboundMessages, unmappedKinds } from '../../lib/cloud/inbound-messages.js';
import { statusChanges } from '../../lib/cloud/inbound-statuses.js';
import { messagesChanges, validSignature } from '../../lib/cloud/meta-webhook.js';
import { mediaOf } from '../../lib/messages/stored-media.js';
import { messageJson } from '../../workers/message-record.js';
import { examples } from '../support/graph-peer/request-validation.js';

type Json = Record<string, unknown>;
const webhook = examples.webhook as unknown as Record<string, Json>;
const INSTANCE = 'instance-1';
const SENDER = '16505551234@s.whatsapp.net';

/** The one message of one of Meta's webhook examples, mapped. */
function mapped(example: string) {
  const [change] = messagesChanges(webhook[example]);
  const [message] = inboundMessages(change.value, INSTANCE);
  return message;
}

/** Content that Baileys' proto reads back unchanged (Meta's media `id` aside, which proto has no field for). */
function protoRoundTrip(content: Json): Json {
  const withoutMediaIds = JSON.parse(JSON.stringify(content, (key, value: unknown) => (key === 'id' && typeof value === 'string' && /^\d+$/.test(value) ? undefined : value))) as Json;
  return messageJson(withoutMediaIds);
}

describe('Meta webhooks to Baileys-shaped events', () => {
  describe('messagesChanges', () => {
    it("finds the change of Meta's text example under its phone number id", () => {
      const changes = messagesChanges(webhook['Text Message']);
      expect(changes).to.have.length(1);
      expect(changes[0].phoneNumberId).to.equal('106540352242922');
    });

    it('leaves out other fields and malformed entries', () => {
      const body = {
        object: 'whatsapp_business_account',
        entry: [
          { id: '1', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }] },
          { id: '2', changes: [{ field: 'messages', value: { metadata: {} } }, 'x', null] },
          'not an entry',
        ],
      };
      expect(messagesChanges(body)).to.deep.equal([]);
      expect(messagesChanges([])).to.deep.equal([]);
      expect(messagesChanges(null)).to.deep.equal([]);
    });
  });

  describe('validSignature', () => {
    const raw = JSON.stringify(webhook['Text Message']);
    const signed = `sha256=${createHmac('sha256', 'app-secret').update(raw).digest('hex')}`;

    it("takes Meta's HMAC of the raw body", () => {
      expect(validSignature(raw, signed, 'app-secret')).to.equal(true);
      expect(validSignature(raw, signed.toUpperCase().replace('SHA256=', 'sha256='), 'app-secret')).to.equal(true);
    });

    it('refuses another secret, another body, no header and the sha1 form', () => {
      expect(validSignature(raw, signed, 'other-secret')).to.equal(false);
      expect(validSignature(`${raw} `, signed, 'app-secret')).to.equal(false);
      expect(validSignature(raw, undefined, 'app-secret')).to.equal(false);
      expect(validSignature(raw, `sha1=${createHmac('sha1', 'app-secret').update(raw).digest('hex')}`, 'app-secret')).to.equal(false);
    });
  });

  describe('inboundMessages', () => {
    it('makes a text a conversation from the sender, with the profile name as pushName', () => {
      const { record, mediaId } = mapped('Text Message');
      expect(mediaId).to.equal(undefined);
      expect(record).to.deep.equal({
        key: { remoteJid: SENDER, fromMe: false, id: (((webhook['Text Message'].entry as Json[])[0].changes as Json[])[0].value as { messages: Json[] }).messages[0].id },
        pushName: 'Sheena Nelson',
        status: 'DELIVERY_ACK',
        message: { conversation: record.message.conversation },
        messageType: 'conversation',
        messageTimestamp: record.messageTimestamp,
        instanceId: INSTANCE,
        source: 'unknown',
        contextInfo: null,
      });
      expect(record.message.conversation).to.be.a('string').and.not.equal('');
      expect(record.messageTimestamp).to.be.a('number').above(1_700_000_000);
    });

    it('makes an image an imageMessage that keeps the media id, and that getBase64FromMediaMessage can describe', () => {
      const { record, mediaId } = mapped('Image Message');
      expect(mediaId).to.equal('1003383421387256');
      expect(record.messageType).to.equal('imageMessage');
      expect(record.message).to.deep.equal({
        imageMessage: { id: '1003383421387256', mimetype: 'image/jpeg', fileSha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=', caption: 'Taj Mahal' },
      });
      expect(mediaOf(record)).to.include({ mediaType: 'imageMessage', mimetype: 'image/jpeg', caption: 'Taj Mahal' });
      expect(protoRoundTrip(record.message)).to.deep.equal({ imageMessage: { mimetype: 'image/jpeg', fileSha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=', caption: 'Taj Mahal' } });
    });

    it('makes audio, video, documents and stickers their Baileys media messages', () => {
      const value = (type: string, object: Json) => ({
        metadata: { phone_number_id: '1' },
        contacts: [{ profile: { name: 'A' }, wa_id: '15550001111' }],
        messages: [{ from: '15550001111', id: `wamid.${type}`, timestamp: '1750000000', type, [type]: object }],
      });
      const [audio] = inboundMessages(value('audio', { mime_type: 'audio/ogg; codecs=opus', sha256: 'aa', id: '11', voice: true }), INSTANCE);
      expect(audio.record.message).to.deep.equal({ audioMessage: { id: '11', mimetype: 'audio/ogg; codecs=opus', fileSha256: 'aa', ptt: true } });
      const [video] = inboundMessages(value('video', { mime_type: 'video/mp4', sha256: 'bb', id: '12', caption: 'clip' }), INSTANCE);
      expect(video.record).to.include({ messageType: 'videoMessage' });
      expect(video.record.message).to.deep.equal({ videoMessage: { id: '12', mimetype: 'video/mp4', fileSha256: 'bb', caption: 'clip' } });
      const [document] = inboundMessages(value('document', { mime_type: 'application/pdf', sha256: 'cc', id: '13', filename: 'invoice.pdf' }), INSTANCE);
      expect(document.record.message).to.deep.equal({
        documentMessage: { id: '13', mimetype: 'application/pdf', fileSha256: 'cc', fileName: 'invoice.pdf', title: 'invoice.pdf' },
      });
      expect(mediaOf(document.record)).to.include({ fileName: 'invoice.pdf' });
      const [sticker] = inboundMessages(value('sticker', { mime_type: 'image/webp', sha256: 'dd', id: '14', animated: false }), INSTANCE);
      expect(sticker.record.message).to.deep.equal({ stickerMessage: { id: '14', mimetype: 'image/webp', fileSha256: 'dd', isAnimated: false } });
      expect(sticker.mediaId).to.equal('14');
    });

    it('makes a location a locationMessage', () => {
      const { record } = mapped('Location Message');
      expect(record.messageType).to.equal('locationMessage');
      const location = record.message.locationMessage as Json;
      expect(location.degreesLatitude).to.be.a('number');
      expect(location.degreesLongitude).to.be.a('number');
      expect(protoRoundTrip(record.message)).to.deep.equal(record.message);
    });

    it('makes a shared contact a contactMessage with a vCard', () => {
      const { record } = mapped('Contact Sharing Message');
      expect(record.messageType).to.equal('contactMessage');
      const card = record.message.contactMessage as { displayName: string; vcard: string };
      expect(card.displayName).to.equal('Lucía Gómez');
      expect(card.vcard).to.match(/^BEGIN:VCARD\n/).and.match(/FN:Lucía Gómez\n/).and.match(/ORG:Google;\n/);
      expect(card.vcard).to.include('item1.TEL;waid=19835552319:+1 (983) 555-2319');
      expect(protoRoundTrip(record.message)).to.deep.equal(record.message);
    });

    it('makes several shared contacts a contactsArrayMessage', () => {
      const contact = (name: string, waId: string) => ({ name: { formatted_name: name }, phones: [{ phone: `+${waId}`, wa_id: waId }] });
      const value = { messages: [{ from: '15550001111', id: 'wamid.c', timestamp: '1750000000', type: 'contacts', contacts: [contact('A', '1555'), contact('B', '1666')] }] };
      const [{ record }] = inboundMessages(value, INSTANCE);
      expect(record.messageType).to.equal('contactsArrayMessage');
      expect((record.message.contactsArrayMessage as { displayName: string; contacts: unknown[] }).displayName).to.equal('2 contacts');
      expect((record.message.contactsArrayMessage as { contacts: unknown[] }).contacts).to.have.length(2);
    });

    it('makes a reply button a buttonsResponseMessage that quotes the business message', () => {
      const { record } = mapped('Interactive Button Reply Message');
      expect(record.messageType).to.equal('buttonsResponseMessage');
      const response = record.message.buttonsResponseMessage as Json;
      expect(response).to.include({ type: 'DISPLAY_TEXT' });
      expect(response.selectedButtonId).to.be.a('string');
      expect(response.contextInfo).to.include({ participant: '15550783881@s.whatsapp.net' });
      expect(record.contextInfo).to.deep.equal(response.contextInfo);
      expect(protoRoundTrip(record.message)).to.deep.equal(record.message);
    });

    it('makes a list choice a listResponseMessage', () => {
      const { record } = mapped('Interactive List Reply Message');
      expect(record.messageType).to.equal('listResponseMessage');
      expect(record.message.listResponseMessage).to.deep.include({
        title: 'Priority Mail Express',
        description: 'Next Day to 2 Days',
        listType: 'SINGLE_SELECT',
        singleSelectReply: { selectedRowId: 'priority_express' },
      });
      expect((record.contextInfo as Json).stanzaId).to.equal('wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGMzEyNzhENTZDMzNGODlDRDgA');
      expect(protoRoundTrip(record.message)).to.deep.equal(record.message);
    });

    it("makes a template's quick-reply button a templateButtonReplyMessage", () => {
      const { record } = mapped('Button Message');
      expect(record.messageType).to.equal('templateButtonReplyMessage');
      expect(record.message.templateButtonReplyMessage).to.deep.include({ selectedId: 'Unsubscribe', selectedDisplayText: 'Unsubscribe' });
      expect(protoRoundTrip(record.message)).to.deep.equal(record.message);
    });

    it('makes a reaction a reactionMessage on the business message it names', () => {
      const { record } = mapped('Reaction Message');
      expect(record.messageType).to.equal('reactionMessage');
      expect(record.message.reactionMessage).to.deep.equal({
        key: { remoteJid: SENDER, fromMe: true, id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA' },
        text: '👍',
        senderTimestampMs: 1749419544000,
      });
      expect(protoRoundTrip(record.message)).to.deep.equal(record.message);
    });

    it('makes a text that replies an extendedTextMessage with its context', () => {
      const value = { messages: [{ from: '15550001111', id: 'wamid.r', timestamp: '1750000000', type: 'text', text: { body: 'yes' }, context: { from: '15550783881', id: 'wamid.q' } }] };
      const [{ record }] = inboundMessages(value, INSTANCE);
      expect(record.message).to.deep.equal({
        extendedTextMessage: { text: 'yes', contextInfo: { stanzaId: 'wamid.q', participant: '15550783881@s.whatsapp.net' } },
      });
      expect(record.pushName).to.equal(null);
    });

    it('leaves out kinds with no WhatsApp Web form, and says which', () => {
      const value = { messages: [{ from: '15550001111', id: 'wamid.u', timestamp: '1750000000', type: 'unsupported', errors: [{ code: 131051 }] }] };
      expect(inboundMessages(value, INSTANCE)).to.deep.equal([]);
      expect(unmappedKinds(value)).to.deep.equal(['unsupported']);
    });
  });

  describe('statusChanges', () => {
    it("names Meta's statuses as a Baileys instance reports them", () => {
      const statuses = ['sent', 'delivered', 'read', 'failed', 'deleted'].map((status) => ({ id: `wamid.${status}`, status, timestamp: '1750000000', recipient_id: '16505551234' }));
      const changes = statusChanges({ statuses });
      expect(changes.map((c) => c.status)).to.deep.equal(['SERVER_ACK', 'DELIVERY_ACK', 'READ', 'ERROR']);
      expect(changes[0].key).to.deep.equal({ id: 'wamid.sent', remoteJid: SENDER, fromMe: true });
    });

    it("keeps a failure's errors", () => {
      const failed = { id: 'wamid.f', status: 'failed', recipient_id: '16505551234', errors: [{ code: 131047, title: 'Re-engagement message', error_data: { details: 'More than 24 hours' } }] };
      expect(statusChanges({ statuses: [failed] })[0].errors).to.deep.equal([{ code: 131047, title: 'Re-engagement message', details: 'More than 24 hours' }]);
    });
  });

  describe('stableEventId', () => {
    it('is the same for the same message and kind, and a UUID', () => {
      const id = stableEventId(INSTANCE, 'wamid.1', 'messages.upsert');
      expect(id).to.equal(stableEventId(INSTANCE, 'wamid.1', 'messages.upsert'));
      expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(id).not.to.equal(stableEventId(INSTANCE, 'wamid.1', 'contacts.upsert'));
      expect(id).not.to.equal(stableEventId('instance-2', 'wamid.1', 'messages.upsert'));
    });
  });
});
