import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../lib/config.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const UNIT = join(ROOT, 'deploy', 'wa-gateway.service');
const ENV_EXAMPLE = join(ROOT, 'deploy', 'wa-gateway.env.example');

/** The unit's [Service] settings, a key given more than once keeping its last value. */
function settings(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) found.set(match[1], match[2]);
  }
  return found;
}

/** Seconds in a systemd time span such as "10s", "1min 30s" or "10". */
function seconds(span: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, sec: 1, min: 60, m: 60 };
  return [...span.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]*)/g)].reduce((sum, [, n, unit]) => sum + Number(n) * (units[unit || 's'] ?? NaN), 0);
}

async function hasSystemdAnalyze(): Promise<boolean> {
  try {
    await run('systemd-analyze', ['--version']);
    return true;
  } catch {
    return false;
  }
}

describe('systemd unit (deploy/wa-gateway.service)', function () {
  this.timeout(30_000);
  const text = readFileSync(UNIT, 'utf8');
  const unit = settings(text);
  let dir: string;

  before(async function () {
    if (!(await hasSystemdAnalyze())) {
      if (process.env.CI === 'true') throw new Error('systemd-analyze is needed to verify the unit');
      console.warn('      skipped: systemd-analyze is not installed here');
      this.skip();
    }
    // The unit names the installed paths; the copy names this checkout's, so
    // that verify checks the syntax and a real executable, not a missing /opt.
    dir = mkdtempSync(join(tmpdir(), 'unit-spec-'));
    const copy = text
      .replace(/^ExecStart=\/opt\/wa-gateway\//m, `ExecStart=${ROOT}`)
      .replace(/^WorkingDirectory=.*$/m, `WorkingDirectory=${ROOT}`)
      .replace(/^EnvironmentFile=.*$/m, `EnvironmentFile=${ENV_EXAMPLE}`);
    expect(copy).not.to.include('/opt/wa-gateway/bin');
    writeFileSync(join(dir, 'wa-gateway.service'), copy);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes systemd-analyze verify without a single warning', async () => {
    // verify exits 0 on unknown keys and bad values, only warning: any output is a failure.
    const { stdout, stderr } = await run('systemd-analyze', ['verify', '--man=no', join(dir, 'wa-gateway.service')]);
    expect(stderr.trim()).to.equal('');
    expect(stdout.trim()).to.equal('');
  });

  it('rates an exposure of at most 2.0 in systemd-analyze security', async () => {
    const { stdout } = await run('systemd-analyze', ['security', '--offline=yes', '--no-pager', join(dir, 'wa-gateway.service')]);
    const exposure = /Overall exposure level for wa-gateway\.service: (\d+\.\d+)/.exec(stdout);
    expect(exposure, stdout.slice(-500)).to.not.equal(null);
    expect(Number(exposure![1])).to.be.at.most(2.0);
  });

  it('starts bin/wa-gateway as a service user, restarts on failure and stops with SIGTERM just after the shutdown timeout', () => {
    const shutdownMs = loadConfig({ AUTHENTICATION_API_KEY: 'k' }).shutdownTimeoutMs;
    expect(unit.get('ExecStart')).to.equal('/opt/wa-gateway/bin/wa-gateway');
    expect(unit.get('User')).to.equal('wa-gateway');
    expect(unit.get('EnvironmentFile')).to.equal('/etc/wa-gateway/wa-gateway.env');
    expect(unit.get('Restart')).to.equal('on-failure');
    expect(unit.get('KillSignal')).to.equal('SIGTERM');
    const stop = seconds(unit.get('TimeoutStopSec') ?? '');
    expect(stop).to.be.above(shutdownMs / 1000).and.at.most(shutdownMs / 1000 + 5);
    expect(unit.get('Environment')).to.be.a('string');
    expect(text).to.match(/^Environment=MALLOC_ARENA_MAX=2$/m);
  });

  it('is hardened, without MemoryDenyWriteExecute (V8 compiles to W+X memory)', () => {
    for (const [key, value] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ReadWritePaths', '/var/lib/wa-gateway'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['PrivateDevices', 'yes'],
      ['ProtectKernelTunables', 'yes'],
      ['ProtectKernelModules', 'yes'],
      ['ProtectKernelLogs', 'yes'],
      ['RestrictAddressFamilies', 'AF_UNIX AF_INET AF_INET6'],
      ['LockPersonality', 'yes'],
      ['RestrictNamespaces', 'yes'],
      ['SystemCallArchitectures', 'native'],
    ]) {
      expect(unit.get(key), key).to.equal(value);
    }
    expect(unit.has('MemoryDenyWriteExecute')).to.equal(false);
  });

  it('has an env example every line of which the gateway accepts', () => {
    const env: Record<string, string> = {};
    for (const line of readFileSync(ENV_EXAMPLE, 'utf8').split('\n')) {
      const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
      if (match) env[match[1]] = match[2];
    }
    expect(env).to.have.property('AUTHENTICATION_API_KEY');
    expect(() => loadConfig(env)).not.to.throw();
  });
});
