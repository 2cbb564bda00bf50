import { expect } from 'chai';
import { firstUrl, pagePreview } from '../../lib/messages/link-preview.js';

describe('link preview rules', () => {
  describe('firstUrl', () => {
    it('finds the first http(s) URL, without the punctuation after it', () => {
      expect(firstUrl('see https://example.com/a?b=1, and http://other.org')).to.equal('https://example.com/a?b=1');
      expect(firstUrl('local (http://127.0.0.1:8080/page).')).to.equal('http://127.0.0.1:8080/page');
    });

    it('finds nothing in a text without a link', () => {
      expect(firstUrl('no link, just example dot com')).to.equal(undefined);
    });
  });

  describe('pagePreview', () => {
    it('reads Open Graph title, description and url', () => {
      const html = `<html><head><title>Fallback</title>
        <meta property="og:title" content="The &amp; Title">
        <meta content='A page about things' property='og:description'/>
        <meta property="og:url" content="https://example.com/canonical">
      </head></html>`;
      expect(pagePreview(html)).to.deep.equal({ title: 'The & Title', description: 'A page about things', canonicalUrl: 'https://example.com/canonical' });
    });

    it('falls back to <title> and the description meta tag', () => {
      const html = '<head><TITLE> Plain\n page </TITLE><meta name="description" content="Described"></head>';
      expect(pagePreview(html)).to.deep.equal({ title: 'Plain page', description: 'Described' });
    });

    it('gives no preview for a page without a title', () => {
      expect(pagePreview('<html><body>hello</body></html>')).to.equal(undefined);
    });
  });
});
