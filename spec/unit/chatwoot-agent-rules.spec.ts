import { expect } from 'chai';
import { agentAction } from '../../lib/chatwoot/agent-message.js';
import { partsOf } from '../../lib/chatwoot/agent-parts.js';
import { parseBotCommand } from '../../lib/chatwoot/bot-commands.js';
import { markdownToWhatsapp } from '../../lib/chatwoot/markdown-to-whatsapp.js';
import { signed } from '../../lib/chatwoot/signature.js';

describe('Chatwoot agent messages, as WhatsApp receives them', () => {
  describe('markdown to WhatsApp formatting', () => {
    const cases: Array<[string, string]> = [
      ['**bold**', '*bold*'],
      ['*italic*', '_italic_'],
      ['_italic_', '_italic_'],
      ['~~strike~~', '~strike~'],
      ['`code`', '```code```'],
      ['**bold** and *italic*', '*bold* and _italic_'],
      ['a ```*block* of code``` here', 'a ```*block* of code``` here'],
      ['`**not bold**`', '```**not bold**```'],
      ['** not bold **', '** not bold **'],
      ['2 * 3 * 4', '2 * 3 * 4'],
      ['plain text', 'plain text'],
    ];
    for (const [markdown, whatsapp] of cases) {
      it(`${JSON.stringify(markdown)} → ${JSON.stringify(whatsapp)}`, () => expect(markdownToWhatsapp(markdown)).to.equal(whatsapp));
    }
  });

  describe('the signature', () => {
    it('prefixes the agent name in bold and a new line', () => {
      expect(signed('Hello', 'Ana', { signMsg: true, signDelimiter: null })).to.equal('*Ana:*\nHello');
    });
    it('uses signDelimiter, reading a typed \\n as a new line', () => {
      expect(signed('Hello', 'Ana', { signMsg: true, signDelimiter: ' - ' })).to.equal('*Ana:* - Hello');
      expect(signed('Hello', 'Ana', { signMsg: true, signDelimiter: '\\n\\n' })).to.equal('*Ana:*\n\nHello');
    });
    it('leaves the text alone without signMsg, without a name, or for a file without caption', () => {
      expect(signed('Hello', 'Ana', { signMsg: false, signDelimiter: ' - ' })).to.equal('Hello');
      expect(signed('Hello', null, { signMsg: true, signDelimiter: null })).to.equal('Hello');
      expect(signed('', 'Ana', { signMsg: true, signDelimiter: null })).to.equal('');
    });
  });

  describe('what a webhook asks for', () => {
    const sign = { signMsg: true, signDelimiter: null };
    const created = (fields: Record<string, unknown> = {}) => ({
      event: 'message_created',
      id: 41,
      message_type: 'outgoing',
      private: false,
      content: 'Hi **there**',
      source_id: null,
      content_attributes: {},
      sender: { id: 1, name: 'Ana Agent', type: 'user' },
      inbox: { id: 3, name: 'Sales' },
      conversation: { id: 7, meta: { sender: { identifier: '15550001111@s.whatsapp.net', phone_number: '+15550001111' } }, contact_inbox: { source_id: 'x' } },
      ...fields,
    });

    it('sends an agent reply, signed and formatted, to the contact', () => {
      expect(agentAction(created({ content_attributes: { in_reply_to: 40 } }), sign)).to.deep.equal({
        kind: 'send',
        messageId: 41,
        conversationId: 7,
        send: { chat: '15550001111@s.whatsapp.net', text: '*Ana Agent:*\nHi *there*', attachments: [], inReplyTo: 40 },
      });
    });

    it('addresses the phone number when the contact has no identifier', () => {
      const action = agentAction(created({ conversation: { id: 7, meta: { sender: { phone_number: '+15550002222' } } } }), sign);
      expect(action.kind === 'send' && action.send.chat).to.equal('15550002222');
    });

    it('ignores private notes, incoming messages, our own echoes and plain updates', () => {
      expect(agentAction(created({ private: true }), sign).kind).to.equal('ignore');
      expect(agentAction(created({ message_type: 'incoming' }), sign).kind).to.equal('ignore');
      expect(agentAction(created({ source_id: 'WAID:3EB0ABC' }), sign).kind).to.equal('ignore');
      expect(agentAction(created({ event: 'message_updated' }), sign).kind).to.equal('ignore');
      expect(agentAction(created({ event: 'conversation_status_changed' }), sign).kind).to.equal('ignore');
      expect(agentAction('not an object', sign).kind).to.equal('ignore');
    });

    it('revokes a message an agent deleted', () => {
      expect(agentAction(created({ event: 'message_updated', content_attributes: { deleted: true } }), sign)).to.deep.equal({ kind: 'delete', messageId: 41 });
    });

    it('takes text typed to the bot contact as a command', () => {
      const bot = { id: 9, meta: { sender: { identifier: null, phone_number: '+123456' } } };
      expect(agentAction(created({ content: '/status', conversation: bot }), sign)).to.deep.equal({ kind: 'command', conversationId: 9, command: 'status', inboxName: 'Sales' });
    });

    it('sends files as their kind, the text as the first caption', () => {
      const attachments = [
        { file_type: 'image', data_url: 'http://cw/a.png' },
        { file_type: 'file', data_url: 'http://cw/b.pdf' },
      ];
      const action = agentAction(created({ content: 'see', attachments }), { signMsg: false, signDelimiter: null });
      expect(action.kind).to.equal('send');
      if (action.kind !== 'send') return;
      expect(partsOf(action.send)).to.deep.equal([
        { kind: 'file', attachment: { url: 'http://cw/a.png', kind: 'image' }, caption: 'see' },
        { kind: 'file', attachment: { url: 'http://cw/b.pdf', kind: 'file' }, caption: '' },
      ]);
    });

    it('sends the text after a voice note, which has no caption', () => {
      expect(partsOf({ chat: '1', text: 'hi', attachments: [{ url: 'u', kind: 'audio' }], inReplyTo: null })).to.deep.equal([
        { kind: 'file', attachment: { url: 'u', kind: 'audio' }, caption: '' },
        { kind: 'text', text: 'hi' },
      ]);
    });
  });

  describe('bot commands', () => {
    it('reads init (with a number), status, disconnect and their Portuguese words', () => {
      expect(parseBotCommand('init')).to.deep.equal({ kind: 'init', number: null });
      expect(parseBotCommand('/iniciar:5511999990000')).to.deep.equal({ kind: 'init', number: '5511999990000' });
      expect(parseBotCommand('status')).to.deep.equal({ kind: 'status' });
      expect(parseBotCommand('desconectar')).to.deep.equal({ kind: 'disconnect' });
      expect(parseBotCommand('hello')).to.equal(null);
    });
  });
});
