import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { GatewayProcess } from './support/gateway-process.js';

/** The environment a running process was started with (Linux). */
function environOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
}

describe('bin/wa-gateway', function () {
  this.timeout(30_000);
  let gateway: GatewayProcess | undefined;

  afterEach(async () => {
    await gateway?.stop('SIGKILL');
    await gateway?.removeData();
    gateway = undefined;
  });

  it('is the server process itself: SIGTERM to its PID stops the server, exit status 0', async () => {
    gateway = await GatewayProcess.start({ bin: true });
    const pid = gateway.child.pid;
    const listening = gateway.logs.find((line) => line.msg === 'gateway listening');
    expect(listening?.pid, 'the PID in the server logs').to.equal(pid);
    expect((await gateway.api().get('/', { key: null })).status).to.equal(200);

    const exit = await gateway.stop('SIGTERM');
    expect(exit).to.include({ code: 0, signal: null });
    expect(gateway.logs.some((line) => line.msg === 'signal received' && line.signal === 'SIGTERM')).to.equal(true);
    expect(gateway.logs.some((line) => line.msg === 'stopped')).to.equal(true);
  });

  it('starts node with MALLOC_ARENA_MAX=2 unless it is set', async () => {
    gateway = await GatewayProcess.start({ bin: true });
    expect(environOf(gateway.child.pid ?? 0)).to.include('MALLOC_ARENA_MAX=2');
    await gateway.stop('SIGTERM');
    await gateway.removeData();

    gateway = await GatewayProcess.start({ bin: true, env: { MALLOC_ARENA_MAX: '4' } });
    expect(environOf(gateway.child.pid ?? 0)).to.include('MALLOC_ARENA_MAX=4');
  });
});
