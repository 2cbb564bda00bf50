import { expect } from 'chai';
import { backoffDelay } from '../../lib/backoff.js';

describe('backoffDelay', () => {
  const equal = { baseMs: 50, maxMs: 5_000, jitter: 0.5 };

  it('doubles from the base up to the ceiling', () => {
    const none = { ...equal, jitter: 0 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, none))).to.deep.equal([50, 100, 200, 400]);
    expect(backoffDelay(30, none)).to.equal(5_000);
    expect(backoffDelay(10_000, none)).to.equal(5_000);
  });

  it('draws the jittered share at random: equal jitter waits half to all of the ceiling', () => {
    expect(backoffDelay(1, equal, () => 0)).to.equal(25);
    expect(backoffDelay(1, equal, () => 1)).to.equal(50);
    expect(backoffDelay(3, equal, () => 1)).to.equal(200);
    expect(backoffDelay(3, { ...equal, jitter: 0.9 }, () => 0)).to.equal(20);
  });

  it('treats an attempt below 1 as the first', () => {
    expect(backoffDelay(0, { ...equal, jitter: 0 })).to.equal(50);
  });
});
