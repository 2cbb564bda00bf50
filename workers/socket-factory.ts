import makeWASocket, {
  fetchLatestWaWebVersion,
  isJidGroup,
  proto,
  WA_CERT_DETAILS,
  type AuthenticationState,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { Agent as HttpsAgent } from 'node:https';
import type { WhatsAppConfig } from '../lib/config.js';
import type { ProxyConfig } from '../lib/instance-config/proxy.js';
import type { Settings } from '../lib/instance-config/settings.js';
import type { Logger } from '../lib/logger.js';
import { proxyAgent } from '../lib/proxy/agent.js';

export interface SocketInputs {
  whatsapp: WhatsAppConfig;
  auth: AuthenticationState;
  /** Read at every use, so that setting changes apply without a reconnect. */
  settings: () => Settings;
  proxy: ProxyConfig | null;
  logger: Logger;
}

let certKeyApplied = false;

/**
 * WA_CERT_DETAILS is a module-level object Baileys reads during the Noise
 * handshake; each worker thread has its own copy, set once here.
 */
function applyCertKey(base64: string | null): void {
  if (certKeyApplied || !base64) return;
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(base64, 'base64');
  certKeyApplied = true;
}

async function versionFor(whatsapp: WhatsAppConfig, logger: Logger): Promise<[number, number, number] | undefined> {
  if (whatsapp.version) return whatsapp.version;
  if (!whatsapp.fetchLatestVersion) return undefined;
  try {
    const latest = await fetchLatestWaWebVersion();
    return latest.version;
  } catch (error) {
    // Baileys' built-in version still works; asking is an optimisation.
    logger.warn({ err: error }, 'could not fetch the latest WhatsApp Web version');
    return undefined;
  }
}

/**
 * Loaded only when WA_MEDIA_HOST is set: the undici package it needs adds
 * about 5 MB to every worker thread that imports it.
 */
async function mediaHostDispatcherFor(hostPort: string) {
  const { mediaHostDispatcher } = await import('./media-host-dispatcher.js');
  return mediaHostDispatcher(hostPort);
}

/** A Baileys socket configured from the gateway's settings, proxy and auth state. */
export async function createSocket(inputs: SocketInputs): Promise<WASocket> {
  const { whatsapp, auth, settings, proxy, logger } = inputs;
  applyCertKey(whatsapp.certPublicKey);
  const version = await versionFor(whatsapp, logger);
  // A CONNECT tunnel carries both the WebSocket and HTTPS media uploads.
  // agent-base agents are http.Agent subclasses that do all ws and https.request
  // need; Baileys merely types the option as https.Agent.
  const agent = proxy?.enabled ? (proxyAgent(proxy, true) as HttpsAgent) : undefined;
  const dispatcher = whatsapp.mediaHost ? await mediaHostDispatcherFor(whatsapp.mediaHost) : undefined;
  const baileysLogger = logger.child({ module: 'baileys' }, { level: whatsapp.baileysLogLevel });
  return makeWASocket({
    // The key store is in the worker's memory already (workers/auth-state.ts).
    auth,
    logger: baileysLogger,
    waWebSocketUrl: whatsapp.websocketUrl,
    browser: whatsapp.browser,
    ...(version ? { version } : {}),
    ...(agent ? { agent, fetchAgent: agent } : {}),
    connectTimeoutMs: whatsapp.connectTimeoutMs,
    defaultQueryTimeoutMs: whatsapp.queryTimeoutMs,
    ...(whatsapp.qrTimeoutMs ? { qrTimeout: whatsapp.qrTimeoutMs } : {}),
    markOnlineOnConnect: settings().alwaysOnline,
    syncFullHistory: settings().syncFullHistory,
    // Baileys drops FULL chunks by default; an instance that asked for the full history keeps them.
    shouldSyncHistoryMessage: ({ syncType }) => syncType !== proto.HistorySync.HistorySyncType.FULL || settings().syncFullHistory,
    shouldIgnoreJid: (jid: string) => settings().groupsIgnore && Boolean(isJidGroup(jid)),
    generateHighQualityLinkPreview: false,
    ...(dispatcher ? { options: { dispatcher } } : {}),
  });
}
