import { expect } from 'chai';
import type { Api, ApiResponse } from './support/api.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const NAME = 'contested';
const ROUNDS = 12;

/** Every lifecycle command a client can fire at one name. */
const COMMANDS: Record<string, (api: Api) => Promise<ApiResponse>> = {
  connect: (api) => api.get(`/instance/connect/${NAME}`),
  restart: (api) => api.post(`/instance/restart/${NAME}`),
  logout: (api) => api.delete(`/instance/logout/${NAME}`),
  delete: (api) => api.delete(`/instance/delete/${NAME}`),
  create: (api) => api.post('/instance/create', { instanceName: NAME }),
};

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('lifecycle commands racing on one instance', function () {
  this.timeout(240_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess;
  let api: Api;

  before(async () => {
    wa = await WaEmulator.start({ media: false });
    gateway = await GatewayProcess.start({ env: emulatorEnv(wa) });
    api = gateway.api();
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
  });

  /** Workers the supervisor runs, against instances that exist and say they run one. */
  async function workerCounts(): Promise<{ running: number; wanted: number; listed: { name: string; id: string; workerState: string }[] }> {
    const health = await api.get('/health', { key: null });
    const listed = (await api.get('/instance/fetchInstances')).body as { name: string; id: string; workerState: string }[];
    const busy = listed.filter((i) => ['running', 'starting', 'restarting', 'stopping'].includes(i.workerState)).length;
    const running = Object.entries(health.body.workers as Record<string, number>)
      .filter(([state]) => ['running', 'starting', 'restarting', 'stopping'].includes(state))
      .reduce((sum, [, n]) => sum + n, 0);
    return { running, wanted: busy, listed };
  }

  it('leaves exactly the workers that existing instances want, and a re-created name starts with no session', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const phone = `1555200${String(round).padStart(4, '0')}`;
      const { instanceId: previousId } = await createPaired(api, wa, NAME, phone);

      // Every command at once, twice over, in a random order.
      const fired = shuffled([...Object.keys(COMMANDS), ...Object.keys(COMMANDS)]);
      const answers = await Promise.all(fired.map(async (name) => ({ name, res: await COMMANDS[name](api) })));
      for (const { name, res } of answers) {
        expect(res.status, `${name} in round ${round}: ${JSON.stringify(res.body)}`).to.be.below(500);
      }
      // Two deletes were fired: the paired instance is gone whatever the order.
      expect(answers.some(({ name, res }) => name === 'delete' && res.status === 200), 'a delete succeeded').to.equal(true);

      await eventually(async () => {
        const counts = await workerCounts();
        return counts.running === counts.wanted;
      }, 10_000, `workers match instances after round ${round}`);
      const { listed } = await workerCounts();
      const survivor = listed.find((i) => i.name === NAME);
      if (survivor) {
        expect(survivor.id, 'a re-created instance is a new one').to.not.equal(previousId);
        // The predecessor's WhatsApp session is not reachable through it.
        const connected = await api.get(`/instance/connect/${NAME}`);
        expect(connected.status).to.equal(200);
        expect(connected.body.code, 'a fresh instance asks for a QR').to.be.a('string').and.not.empty;
        const state = await api.get(`/instance/connectionState/${NAME}`);
        expect(state.body.instance.state).to.not.equal('open');
        await api.delete(`/instance/delete/${NAME}`);
      }
      // No worker of a deleted instance still holds the phone's session.
      await eventually(() => wa.connections(phone) === 0, 10_000, `no connection left for ${phone}`);
    }
    const final = await workerCounts();
    expect(final.running).to.equal(0);
    expect(final.listed.filter((i) => i.name === NAME)).to.have.length(0);
    expect(gateway.logs.filter((line) => line.level >= 50 && line.msg === 'request failed'), 'no request failed with a 500').to.deep.equal([]);
  });
});
