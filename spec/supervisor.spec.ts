import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeoutError } from '../lib/actor/actor.js';
import { loadConfig } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import {
  InstanceNotRunningError,
  Supervisor,
  type InstanceRef,
  type SupervisorObserver,
  type WorkerState,
} from '../lib/supervisor/supervisor.js';
import { eventually } from './support/eventually.js';

interface Recorded {
  crashes: { name: string; restartInMs: number | null }[];
  states: { name: string; status?: string }[];
}

function recorder(): { observer: SupervisorObserver; seen: Recorded } {
  const seen: Recorded = { crashes: [], states: [] };
  return {
    seen,
    observer: {
      connection: (instance: InstanceRef, patch) => seen.states.push({ name: instance.name, status: patch.connectionStatus }),
      event: () => undefined,
      crashed: (instance: InstanceRef, detail) => seen.crashes.push({ name: instance.name, restartInMs: detail.restartInMs }),
    },
  };
}


const ref = (name: string): InstanceRef => ({ id: `id-${name}`, name });

describe('Supervisor', function () {
  this.timeout(20_000);
  let dir: string;
  let supervisor: Supervisor;
  let seen: Recorded;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'supervisor-spec-'));
    const recorded = recorder();
    seen = recorded.seen;
    supervisor = new Supervisor({
      workerUrl: new URL('./support/workers/faulty.js', import.meta.url),
      workerData: {
        logLevel: 'silent',
        whatsapp: loadConfig({ AUTHENTICATION_API_KEY: 'unused' }).whatsapp,
      },
      restart: { maxRestarts: 3, windowMs: 10_000, backoffBaseMs: 20, backoffMaxMs: 200 },
      requestTimeoutMs: 300,
      stopTimeoutMs: 500,
      logger: createLogger('silent'),
      observer: recorded.observer,
      store: async () => {
        throw new Error('these workers keep nothing');
      },
    });
  });

  afterEach(async () => {
    await supervisor.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const state = (name: string): Promise<WorkerState> => supervisor.state(ref(name));

  it('starts a worker that answers typed commands', async () => {
    await supervisor.start(ref('calm'));
    expect(await state('calm')).to.equal('running');
    const answer = await supervisor.command(ref('calm'), { kind: 'status' });
    expect(answer).to.deep.include({ state: 'connecting' });
    expect(seen.states).to.deep.include({ name: 'calm', status: 'connecting' });
  });

  it('restarts a worker that throws, and the new one answers', async () => {
    await supervisor.start(ref('crash-once-a'));
    await eventually(() => seen.crashes.length === 1);
    expect(seen.crashes[0].name).to.equal('crash-once-a');
    expect(seen.crashes[0].restartInMs).to.be.within(10, 20);
    await eventually(async () => (await state('crash-once-a')) === 'running' && seen.crashes.length === 1);
    const answer = (await supervisor.command(ref('crash-once-a'), { kind: 'status' })) as unknown as { attempt: number };
    expect(answer.attempt).to.equal(1);
  });

  it('restarts a worker that was killed', async () => {
    await supervisor.start(ref('calm'));
    expect(await supervisor.kill(ref('calm'))).to.equal(true);
    await eventually(async () => seen.crashes.length === 1 && (await state('calm')) === 'running');
    const answer = (await supervisor.command(ref('calm'), { kind: 'status' })) as unknown as { attempt: number };
    expect(answer.attempt).to.equal(1);
  });

  it('marks a worker that keeps throwing as crashed, without touching another instance', async () => {
    await supervisor.start(ref('calm'));
    const calmBefore = await supervisor.command(ref('calm'), { kind: 'status' });
    await supervisor.start(ref('crash-always-b')).catch(() => undefined);
    await eventually(async () => (await state('crash-always-b')) === 'crashed');
    const crashes = seen.crashes.filter((c) => c.name === 'crash-always-b');
    // maxRestarts = 3: three restarts, then the fourth crash gives up.
    expect(crashes).to.have.length(4);
    expect(crashes.slice(0, 3).every((c) => c.restartInMs !== null)).to.equal(true);
    expect(crashes[3].restartInMs).to.equal(null);
    // Backoff grows: 20, 40, 80 ms (each between half and all of it).
    expect(crashes[1].restartInMs).to.be.within(20, 40);
    expect(crashes[2].restartInMs).to.be.within(40, 80);

    // It stays down.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await state('crash-always-b')).to.equal('crashed');
    expect(seen.crashes.filter((c) => c.name === 'crash-always-b')).to.have.length(4);
    await supervisor.command(ref('crash-always-b'), { kind: 'status' }).then(
      () => expect.fail('a crashed instance must not answer'),
      (error: Error) => expect(error).to.be.instanceOf(InstanceNotRunningError),
    );

    // The other instance was never restarted and still answers.
    expect(seen.crashes.some((c) => c.name === 'calm')).to.equal(false);
    expect(await state('calm')).to.equal('running');
    expect(await supervisor.command(ref('calm'), { kind: 'status' })).to.deep.equal(calmBefore);
  });

  it('brings a crashed instance back on an explicit start, with a fresh restart budget', async () => {
    await supervisor.start(ref('crash-always-c')).catch(() => undefined);
    await eventually(async () => (await state('crash-always-c')) === 'crashed');
    const before = seen.crashes.length;
    await supervisor.start(ref('crash-always-c')).catch(() => undefined);
    await eventually(async () => (await state('crash-always-c')) === 'crashed' && seen.crashes.length === before + 4);
  });

  it('times out a command the worker never answers', async () => {
    await supervisor.start(ref('hang-d'));
    const started = Date.now();
    const error = await supervisor.command(ref('hang-d'), { kind: 'status' }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).to.be.instanceOf(TimeoutError);
    expect(Date.now() - started).to.be.within(250, 1_000);
  });

  it('stops a worker on request; it no longer answers', async () => {
    await supervisor.start(ref('calm'));
    await supervisor.stop(ref('calm'));
    expect(await state('calm')).to.equal('stopped');
    const error = await supervisor.command(ref('calm'), { kind: 'status' }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).to.be.instanceOf(InstanceNotRunningError);
  });

  it('terminates a worker that does not close in time when stopping', async () => {
    await supervisor.start(ref('hang-e'));
    const started = Date.now();
    await supervisor.stop(ref('hang-e'));
    expect(Date.now() - started).to.be.within(400, 1_500);
    expect(await state('hang-e')).to.equal('stopped');
  });
});
