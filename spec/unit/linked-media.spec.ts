import { expect } from 'chai';
import { extensionOf, mimetypeOfName } from '../../lib/media/file-types.js';
import { linkedMedia } from '../../lib/media/linked-media.js';

describe('linkedMedia (what a send records of media known only by its URL)', () => {
  it("takes the type and name from the URL's path", () => {
    expect(linkedMedia('https://cdn.example/a/photo.JPG?size=large#top')).to.deep.equal({
      link: 'https://cdn.example/a/photo.JPG?size=large#top',
      mimetype: 'image/jpeg',
      fileName: 'photo.JPG',
    });
    expect(linkedMedia('https://cdn.example/report.docx')?.mimetype).to.equal('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });

  it("prefers the client's mimetype, then its file name's extension, to the URL's", () => {
    expect(linkedMedia('https://cdn.example/x.png', { mimetype: 'image/webp' })).to.include({ mimetype: 'image/webp', fileName: 'x.png' });
    expect(linkedMedia('https://cdn.example/files/42', { fileName: 'prices.pdf' })).to.include({ mimetype: 'application/pdf', fileName: 'prices.pdf' });
  });

  it('names a file of unknown type after its type, and refuses what is no URL', () => {
    expect(linkedMedia('https://cdn.example/')).to.include({ mimetype: 'application/octet-stream', fileName: 'file.bin' });
    expect(linkedMedia('https://cdn.example/', { mimetype: 'audio/ogg' })).to.include({ fileName: 'file.oga' });
    expect(linkedMedia('http://bad host/x.png')).to.equal(null);
  });
});

describe('file types', () => {
  it('maps extensions to types and types to the extension files are named with', () => {
    expect(mimetypeOfName('a.opus')).to.equal('audio/ogg');
    expect(mimetypeOfName('a.tar.gz')).to.equal(undefined);
    expect(mimetypeOfName('noextension')).to.equal(undefined);
    expect(extensionOf('image/jpeg')).to.equal('jpeg');
    expect(extensionOf('application/vnd.ms-excel')).to.equal('xls');
  });
});
