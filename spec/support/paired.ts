import { expect } from 'chai';
import type { Api } from './api.js';
import { eventually } from './eventually.js';
import type { WaEmulator } from './whatsapp-emulator/index.js';

/** Environment that points a gateway at the emulator, with short timeouts for tests. */
export function emulatorEnv(wa: WaEmulator): Record<string, string> {
  return {
    WA_WEBSOCKET_URL: wa.url,
    WA_CERT_PUBLIC_KEY: wa.rootPublicKey.toString('base64'),
    WA_CONNECT_TIMEOUT_MS: '5000',
    WA_QUERY_TIMEOUT_MS: '5000',
    WA_RECONNECT_BASE_MS: '100',
    WA_RECONNECT_MAX_MS: '1000',
    NODE_EXTRA_CA_CERTS: wa.caCertPath,
    ...(wa.mediaHostname ? { WA_MEDIA_HOST: wa.mediaHostname } : {}),
  };
}

export async function stateOf(api: Api, name: string): Promise<{ state: string; workerState: string }> {
  return (await api.get(`/instance/connectionState/${encodeURIComponent(name)}`)).body.instance;
}

export async function waitForState(api: Api, name: string, state: string, timeoutMs = 10_000): Promise<void> {
  await eventually(async () => (await stateOf(api, name)).state === state, timeoutMs, `${name} ${state}`);
}

/**
 * The user flow: create with `qrcode: true`, hand the QR from the response to
 * the emulated phone, wait until the instance is open. Returns the token.
 */
export async function createPaired(
  api: Api,
  wa: WaEmulator,
  name: string,
  phone: string,
  extra: Record<string, unknown> = {},
  scan: { business?: boolean } = {},
): Promise<{ token: string; instanceId: string }> {
  const created = await api.post('/instance/create', { instanceName: name, qrcode: true, ...extra });
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  expect(created.body.qrcode.code, 'a QR code').to.be.a('string').and.not.empty;
  await wa.scanQr(created.body.qrcode.code, { phone, name: `Owner of ${name}`, ...scan });
  await waitForState(api, name, 'open');
  return { token: created.body.hash, instanceId: created.body.instance.instanceId };
}
