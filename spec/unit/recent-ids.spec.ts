import { expect } from 'chai';
import { RecentIds } from '../../workers/recent-ids.js';

describe('recent message ids', () => {
  it('remembers ids it was given, and no others', () => {
    const ids = new RecentIds(3);
    ids.add('A');
    expect(ids.has('A')).to.equal(true);
    expect(ids.has('B')).to.equal(false);
    expect(ids.has(undefined)).to.equal(false);
    expect(ids.has('')).to.equal(false);
  });

  it('ignores empty ids', () => {
    const ids = new RecentIds(3);
    ids.add('');
    ids.add(null);
    expect(ids.size).to.equal(0);
  });

  it('forgets the oldest past its limit', () => {
    const ids = new RecentIds(2);
    ids.add('A');
    ids.add('B');
    ids.add('C');
    expect([ids.has('A'), ids.has('B'), ids.has('C')]).to.deep.equal([false, true, true]);
    expect(ids.size).to.equal(2);
  });

  it('counts an id added again as new', () => {
    const ids = new RecentIds(2);
    ids.add('A');
    ids.add('B');
    ids.add('A');
    ids.add('C');
    expect([ids.has('A'), ids.has('B'), ids.has('C')]).to.deep.equal([true, false, true]);
  });
});
