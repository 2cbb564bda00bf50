import { expect } from 'chai';
import { whatsappToMarkdown } from '../../lib/chatwoot/markdown.js';
import { phoneVariants } from '../../lib/chatwoot/phone-variants.js';
import { sourceIdOf, whatsappIdOf } from '../../lib/chatwoot/source-id.js';

describe('Chatwoot rules', () => {
  describe('whatsappToMarkdown', () => {
    it('turns WhatsApp markers into markdown', () => {
      expect(whatsappToMarkdown('*bold* _italic_ ~strike~ ```code```')).to.equal('**bold** *italic* ~~strike~~ `code`');
    });

    it('leaves markers that do not hug their text, and text inside code', () => {
      expect(whatsappToMarkdown('2 * 3 * 4')).to.equal('2 * 3 * 4');
      expect(whatsappToMarkdown('```a *b* c```')).to.equal('`a *b* c`');
      expect(whatsappToMarkdown('snake_case_name')).to.equal('snake_case_name');
    });

    it('does not reach across lines', () => {
      expect(whatsappToMarkdown('*one\ntwo*')).to.equal('*one\ntwo*');
    });
  });

  describe('phoneVariants', () => {
    it('gives a Brazilian mobile with and without the 9th digit, the longer first', () => {
      expect(phoneVariants('5511987654321')).to.deep.equal(['+5511987654321', '+551187654321']);
      expect(phoneVariants('551187654321')).to.deep.equal(['+5511987654321', '+551187654321']);
    });

    it('gives any other number as it is', () => {
      expect(phoneVariants('14155550100')).to.deep.equal(['+14155550100']);
      expect(phoneVariants('+49 151 2345 6789')).to.deep.equal(['+4915123456789']);
      expect(phoneVariants('5511887654321')).to.deep.equal(['+5511887654321']);
    });
  });

  describe('source ids', () => {
    it('round-trips a WhatsApp id and ignores messages made in Chatwoot', () => {
      expect(sourceIdOf('3EB0ABC')).to.equal('WAID:3EB0ABC');
      expect(whatsappIdOf(sourceIdOf('3EB0ABC'))).to.equal('3EB0ABC');
      expect(whatsappIdOf(null)).to.equal(null);
      expect(whatsappIdOf('WAID:')).to.equal(null);
      expect(whatsappIdOf('abc')).to.equal(null);
    });
  });
});
