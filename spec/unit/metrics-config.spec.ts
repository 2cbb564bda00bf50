import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../lib/config.js';
import { allowEntryProblem } from '../../lib/metrics/access.js';
import { parseExposition, sampleValue } from '../support/prometheus-text.js';

const load = (env: Record<string, string>) => loadConfig({ AUTHENTICATION_API_KEY: 'k', ...env });

describe('metrics configuration', () => {
  it('is off by default, with no credentials and no address list', () => {
    expect(load({}).metrics).to.deep.equal({ enabled: false, basicAuth: null, allow: [] });
  });

  it('reads METRICS_AUTH as user:password (the password may hold colons) and METRICS_ALLOW as a list', () => {
    const { metrics } = load({ METRICS_ENABLED: 'true', METRICS_AUTH: 'prom:a:b', METRICS_ALLOW: ' 10.0.0.0/8 , ::1,fd00::/8 ' });
    expect(metrics).to.deep.equal({ enabled: true, basicAuth: 'prom:a:b', allow: ['10.0.0.0/8', '::1', 'fd00::/8'] });
  });

  it('refuses credentials without a colon and entries that are not IPs or CIDRs', () => {
    expect(() => load({ METRICS_AUTH: 'nopassword' })).to.throw(ConfigError, /METRICS_AUTH/);
    expect(() => load({ METRICS_AUTH: ':password' })).to.throw(ConfigError, /METRICS_AUTH/);
    expect(() => load({ METRICS_ALLOW: 'localhost' })).to.throw(ConfigError, /METRICS_ALLOW/);
    expect(allowEntryProblem('10.0.0.0/33')).to.match(/prefix/);
    expect(allowEntryProblem('10.0.0.0/x')).to.match(/prefix/);
    expect(allowEntryProblem('10.0.0.0/8/1')).to.match(/not an IP/);
    expect(allowEntryProblem('::1/128')).to.equal(null);
  });
});

describe('the exposition parser of the specs', () => {
  it('reads escaped label values, histogram samples and special values; refuses malformed lines', () => {
    const text = [
      '# HELP h_seconds Timing.',
      '# TYPE h_seconds histogram',
      'h_seconds_bucket{le="+Inf",route="/a/:b",note="say \\"hi\\"\\\\n\\n"} 3',
      'h_seconds_count{route="/a/:b"} 3',
      '# TYPE g gauge',
      'g Nan',
      'g{x="1"} -Inf 1700000000000',
    ].join('\n');
    const parsed = parseExposition(text);
    expect(parsed.get('h_seconds')?.samples[0].labels).to.deep.equal({ le: '+Inf', route: '/a/:b', note: 'say "hi"\\n\n' });
    expect(sampleValue(parsed, 'h_seconds_count', { route: '/a/:b' })).to.equal(3);
    expect(sampleValue(parsed, 'g', { x: '1' })).to.equal(-Infinity);
    expect(() => sampleValue(parsed, 'g')).to.throw(/2 samples/);
    expect(() => parseExposition('# TYPE g gauge\ng{x="1} 1')).to.throw(/label/);
    expect(() => parseExposition('# TYPE g gauge\ng 1x')).to.throw(/value/);
    expect(() => parseExposition('orphan 1')).to.throw(/TYPE/);
  });
});
