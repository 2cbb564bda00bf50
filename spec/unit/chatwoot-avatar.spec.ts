import { expect } from 'chai';
import { avatarUpdate, pictureFileName } from '../../lib/chatwoot/avatar.js';

describe('Chatwoot avatar rules', () => {
  it('names a picture by the last segment of its URL, without query or fragment', () => {
    expect(pictureFileName('https://pps.whatsapp.net/v/t61.24694-24/123_n.jpg?ccb=11-4&oh=x#frag')).to.equal('123_n.jpg');
    expect(pictureFileName(null)).to.equal('');
    expect(pictureFileName('')).to.equal('');
  });

  it('sets the picture when the avatar shows another file, or none', () => {
    const url = 'https://pps.whatsapp.net/v/t61/new_n.jpg?oe=1';
    expect(avatarUpdate(url, 'https://chatwoot.example/rails/old_n.jpg')).to.equal(url);
    expect(avatarUpdate(url, '')).to.equal(url);
    expect(avatarUpdate(url, null)).to.equal(url);
  });

  it('leaves the avatar when it shows the same file, or there is no picture to show', () => {
    expect(avatarUpdate('https://pps.whatsapp.net/v/a/same_n.jpg?oe=1', 'https://chatwoot.example/x/same_n.jpg')).to.equal(null);
    expect(avatarUpdate(null, 'https://chatwoot.example/x/old_n.jpg')).to.equal(null);
    expect(avatarUpdate('https://pps.whatsapp.net/', 'https://chatwoot.example/x/old_n.jpg')).to.equal(null);
  });
});
