import { expect } from 'chai';
import { RestartPolicy } from '../../lib/supervisor/restart-policy.js';

describe('RestartPolicy', () => {
  const options = { maxRestarts: 3, windowMs: 1_000, backoffBaseMs: 100, backoffMaxMs: 300 };

  it('backs off exponentially up to the ceiling, with jitter between half and all of it', () => {
    const low = new RestartPolicy(options, () => 0);
    const high = new RestartPolicy(options, () => 0.999999);
    expect([0, 1, 2].map((t) => low.onCrash(t))).to.deep.equal([
      { restart: true, delayMs: 50 },
      { restart: true, delayMs: 100 },
      { restart: true, delayMs: 150 },
    ]);
    expect([0, 1, 2].map((t) => high.onCrash(t))).to.deep.equal([
      { restart: true, delayMs: 100 },
      { restart: true, delayMs: 200 },
      { restart: true, delayMs: 300 },
    ]);
  });

  it('gives up past maxRestarts inside the window', () => {
    const policy = new RestartPolicy(options, () => 0.5);
    for (const t of [0, 10, 20]) expect(policy.onCrash(t).restart).to.equal(true);
    expect(policy.onCrash(30)).to.deep.equal({ restart: false });
  });

  it('forgets crashes older than the window', () => {
    const policy = new RestartPolicy(options, () => 0.5);
    for (const t of [0, 10, 20]) policy.onCrash(t);
    const later = policy.onCrash(1_500);
    expect(later).to.deep.equal({ restart: true, delayMs: 75 });
  });

  it('starts over after reset', () => {
    const policy = new RestartPolicy(options, () => 0.5);
    for (const t of [0, 10, 20]) policy.onCrash(t);
    policy.reset();
    expect(policy.onCrash(30).restart).to.equal(true);
  });
});
