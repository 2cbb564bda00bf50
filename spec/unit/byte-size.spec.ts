import { expect } from 'chai';
import { byteSize } from '../../lib/http/multipart-upload.js';

describe('byteSize', () => {
  it('reads the body limit as configured', () => {
    expect(byteSize('50mb')).to.equal(50 * 1024 * 1024);
    expect(byteSize('512KB')).to.equal(512 * 1024);
    expect(byteSize('1.5gb')).to.equal(1.5 * 1024 ** 3);
    expect(byteSize('1048576')).to.equal(1_048_576);
  });

  it('refuses what is not a size', () => {
    expect(() => byteSize('lots')).to.throw('not a size: lots');
  });
});
