import { expect } from 'chai';
import { mediaOf } from '../../lib/messages/stored-media.js';

const key = { id: 'ABC123', remoteJid: '15550000001@s.whatsapp.net', fromMe: false };

describe('mediaOf (what getBase64FromMediaMessage answers beside the bytes)', () => {
  it('names an image after its message id and mimetype', () => {
    const media = mediaOf({ key, message: { imageMessage: { mimetype: 'image/jpeg', caption: 'hi', fileLength: 12, height: 3, width: 4 } } });
    expect(media).to.deep.equal({
      mediaType: 'imageMessage',
      fileName: 'ABC123.jpeg',
      caption: 'hi',
      size: { fileLength: 12, height: 3, width: 4 },
      mimetype: 'image/jpeg',
    });
  });

  it("keeps a document's own file name, inside its caption wrapper too", () => {
    const inner = { documentMessage: { mimetype: 'application/pdf', fileName: 'invoice.pdf', fileLength: '2048' } };
    expect(mediaOf({ key, message: { documentWithCaptionMessage: { message: inner } } })).to.include({ mediaType: 'documentMessage', fileName: 'invoice.pdf' });
    expect(mediaOf({ key, message: inner })?.size.fileLength).to.equal(2048);
  });

  it('falls back to the subtype, then to bin, for the extension', () => {
    expect(mediaOf({ key, message: { audioMessage: { mimetype: 'audio/ogg; codecs=opus' } } })?.fileName).to.equal('ABC123.oga');
    expect(mediaOf({ key, message: { videoMessage: { mimetype: 'video/webm' } } })?.fileName).to.equal('ABC123.webm');
    expect(mediaOf({ key, message: { stickerMessage: {} } })?.fileName).to.equal('ABC123.bin');
  });

  it('answers null for a message without media', () => {
    expect(mediaOf({ key, message: { conversation: 'hello' } })).to.equal(null);
    expect(mediaOf({ key, message: {} })).to.equal(null);
  });
});
