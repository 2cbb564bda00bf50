import { expect } from 'chai';
import { Lifecycle } from '../../lib/instances/lifecycle.js';
import { isTransient } from '../../lib/store/transient.js';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('store retry rules', () => {
  it('retries a busy or unreachable database, not a refused write', () => {
    expect(isTransient(coded('SQLITE_BUSY'))).to.equal(true);
    expect(isTransient(new Error('SQLITE_BUSY: database is locked'))).to.equal(true);
    expect(isTransient(coded('ECONNREFUSED'))).to.equal(true);
    expect(isTransient(coded('40001'))).to.equal(true);
    expect(isTransient(coded('08006'))).to.equal(true);
    expect(isTransient(Object.assign(new Error('pool'), { name: 'KnexTimeoutError' }))).to.equal(true);
    expect(isTransient(coded('SQLITE_CONSTRAINT', 'FOREIGN KEY constraint failed'))).to.equal(false);
    expect(isTransient(coded('23503'))).to.equal(false);
    expect(isTransient('not an error')).to.equal(false);
  });
});

describe('per-instance lifecycle', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs the commands of one instance one at a time, in arrival order, even when one fails', async () => {
    const lifecycle = new Lifecycle();
    const log: string[] = [];
    const step = (name: string, ms: number, fail = false) => async () => {
      log.push(`${name} start`);
      await sleep(ms);
      log.push(`${name} end`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([
      lifecycle.run('a', step('connect', 20)),
      lifecycle.run('a', step('delete', 5, true)),
      lifecycle.run('a', step('create', 1)),
    ]);
    expect(log).to.deep.equal(['connect start', 'connect end', 'delete start', 'delete end', 'create start', 'create end']);
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect(lifecycle.busy).to.equal(0);
  });

  it('does not make one instance wait for another', async () => {
    const lifecycle = new Lifecycle();
    const log: string[] = [];
    const slow = lifecycle.run('a', async () => {
      await sleep(30);
      log.push('a');
    });
    await lifecycle.run('b', async () => {
      log.push('b');
    });
    await slow;
    expect(log).to.deep.equal(['b', 'a']);
  });
});
