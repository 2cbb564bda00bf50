import { DisconnectReason, jidNormalizedUser, type ConnectionState, type WASocket } from '@whiskeysockets/baileys';
import { backoffDelay } from '../lib/backoff.js';
import type { ConnectionPatch, ConnectionStatus } from '../lib/db/instances.js';
import type { ProxyConfig } from '../lib/instance-config/proxy.js';
import { DEFAULT_SETTINGS, type Settings } from '../lib/instance-config/settings.js';
import type { EventName } from '../lib/events/names.js';
import type { EventPayloads } from '../lib/events/payloads.js';
import { statusInstanceEvent } from '../lib/events/status-instance.js';
import type { Logger } from '../lib/logger.js';
import { describeProxy } from '../lib/proxy/agent.js';
import type { ConnectResult, FromWorker, WorkerData } from '../lib/supervisor/protocol.js';
import { CHAT_PRESENCES, type Presence } from '../lib/messages/presence.js';
import { useStoredAuthState, type StoredAuthState } from './auth-state.js';
import { attachCallHandler } from './calls.js';
import { attachInboundHandlers } from './inbound.js';
import { Outbound } from './outbound.js';
import { CommandError } from './command-error.js';
import { toJid } from './jid.js';
import { RecentIds } from './recent-ids.js';
import { createSocket } from './socket-factory.js';
import type { StoreClient } from './store-client.js';
import { WorkerStore } from './worker-store.js';

/** Messages sent through the API whose receipts are still reported as send.message.update. */
const SENT_BY_API_KEPT = 10_000;

type Waiter = { resolve(result: ConnectResult): void; reject(error: Error): void };

/** What to do after the socket closed, by WhatsApp's close code. */
type CloseDecision = 'reconnect-now' | 'reconnect-later' | 'logged-out' | 'replaced';

function decide(code: number | undefined, registered: boolean, showedQr: boolean): CloseDecision {
  switch (code) {
    case DisconnectReason.restartRequired:
      return 'reconnect-now';
    case DisconnectReason.loggedOut:
      return 'logged-out';
    case DisconnectReason.connectionReplaced:
      return 'replaced';
    case DisconnectReason.timedOut:
      // After showing QRs, 408 means their refs ran out: open a new QR cycle at
      // once. A 408 without a QR is a network failure, retried with backoff.
      return !registered && showedQr ? 'reconnect-now' : 'reconnect-later';
    default:
      return 'reconnect-later';
  }
}

function isChatPresence(presence: Presence): boolean {
  return (CHAT_PRESENCES as readonly string[]).includes(presence);
}

function closeCode(state: Partial<ConnectionState>): number | undefined {
  // Baileys closes with a Boom error whose output carries the status code.
  return (state.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
}

/**
 * The instance's WhatsApp Web connection: one Baileys socket at a time, its
 * auth state in the database, reconnection by close code, the QR limit, and
 * the instance settings applied as events arrive.
 */
export class Session {
  private socket: WASocket | null = null;
  private auth!: StoredAuthState;
  private settings: Settings = DEFAULT_SETTINGS;
  private proxy: ProxyConfig | null = null;
  private webhookBase64 = false;
  private state: ConnectionStatus = 'close';
  private qr: { code: string; count: number } | null = null;
  private qrCount = 0;
  private pairingCode: string | null = null;
  private waiters: Waiter[] = [];
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** Whether the current socket has shown a QR (see decide()). */
  private socketShowedQr = false;
  /** Set once the worker is closing: no socket may open after that. */
  private closing = false;
  private ownerJid: string | null = null;
  private readonly sentIds = new Set<string>();
  private readonly sentByApi = new RecentIds(SENT_BY_API_KEPT);
  private readonly writes: WorkerStore;
  readonly outbound: Outbound;

  constructor(
    private readonly data: WorkerData,
    private readonly store: StoreClient,
    private readonly logger: Logger,
    private readonly post: (message: FromWorker) => void,
  ) {
    this.writes = new WorkerStore(store, logger);
    this.outbound = new Outbound({
      socket: () => this.openSocket(),
      instanceId: data.instanceId,
      store: this.writes,
      sentIds: this.sentIds,
      sentByApi: this.sentByApi,
      wantsBase64: () => this.webhookBase64,
      keysDurable: () => this.auth.durable(),
      logger,
      emit: (event, payload) => this.emit(event, payload),
    });
  }

  async start(): Promise<void> {
    this.auth = await useStoredAuthState(this.store, (error) => {
      // Memory is ahead of what is durable now: start over from what is.
      this.logger.error({ err: error }, 'a Signal key batch could not be stored; restarting the worker');
      setImmediate(() => {
        throw error;
      });
    });
    const config = await this.store.request({ kind: 'config-load' });
    this.settings = config.settings;
    this.webhookBase64 = config.webhookBase64;
    this.proxy = config.proxy;
    await this.open();
  }

  /** The current QR (waiting for the first one if needed), or the state when open. */
  async connect(number?: string): Promise<ConnectResult> {
    if (this.state === 'open') return this.result();
    if (!this.socket && !this.reconnectTimer) {
      this.qrCount = 0;
      await this.open();
    }
    // A paired session logs in without a QR: nothing to wait for.
    if (this.auth.registered) return this.result();
    if (!this.qr) await this.nextQrOrOpen();
    // Read again: the awaits above may have seen the connection open.
    const state = this.status().state;
    if (number && state !== 'open' && this.socket && !this.auth.registered) {
      this.pairingCode = await this.socket.requestPairingCode(number);
    }
    return this.result();
  }

  status(): { state: ConnectionStatus } {
    return { state: this.state };
  }

  async logout(): Promise<{ loggedOut: boolean }> {
    const wasOpen = this.state === 'open';
    const socket = this.detachSocket();
    if (socket && wasOpen) {
      // Tells WhatsApp to unlink this device; the socket closes right after.
      await socket.logout().catch((error: unknown) => this.logger.warn({ err: error }, 'logout stanza failed'));
    } else {
      socket?.end(undefined);
    }
    await this.auth.clear();
    this.qr = null;
    this.setState('close', { disconnectionReasonCode: DisconnectReason.loggedOut }, true);
    this.emit('LOGOUT_INSTANCE', { instance: this.data.instanceName });
    return { loggedOut: true };
  }

  /** Closes the socket and keeps the session: the next start logs in without a QR. */
  async close(): Promise<{ closed: true }> {
    this.closing = true;
    this.detachSocket()?.end(undefined);
    this.setState('close');
    await this.auth?.durable();
    return { closed: true };
  }

  /** A chat state (typing, recording) in the chat of `number`, or the account's presence. */
  async setPresence(presence: Presence, number?: string): Promise<{ presence: Presence }> {
    const socket = this.openSocket();
    if (isChatPresence(presence)) {
      if (!number) throw new CommandError('invalid', `number is required when presence is ${presence}`);
      await socket.sendPresenceUpdate(presence, toJid(number));
      return { presence };
    }
    // WhatsApp shows the account's presence under its profile name; Baileys
    // silently drops the update when it does not know that name yet.
    if (!socket.user?.name) {
      throw new CommandError('invalid', "WhatsApp has not sent this account's profile name yet, so its presence cannot be set");
    }
    await socket.sendPresenceUpdate(presence);
    return { presence };
  }

  async reloadSettings(): Promise<{ reloaded: true }> {
    const previous = this.settings;
    const config = await this.store.request({ kind: 'config-load' });
    this.settings = config.settings;
    this.webhookBase64 = config.webhookBase64;
    if (this.socket && this.state === 'open' && previous.alwaysOnline !== this.settings.alwaysOnline) {
      await this.socket.sendPresenceUpdate(this.settings.alwaysOnline ? 'available' : 'unavailable');
    }
    return { reloaded: true };
  }

  /** A new proxy means a new connection: the old socket is closed and a new one opened through it. */
  async reloadProxy(): Promise<{ reloaded: true }> {
    this.proxy = (await this.store.request({ kind: 'config-load' })).proxy;
    if (this.socket || this.reconnectTimer) {
      this.detachSocket()?.end(undefined);
      await this.open();
    }
    return { reloaded: true };
  }

  /** The open socket, for commands that need one. */
  openSocket(): WASocket {
    if (!this.socket || this.state !== 'open') {
      throw new CommandError('not-connected', `The "${this.data.instanceName}" instance is not connected`);
    }
    return this.socket;
  }

  /**
   * Forgets the current socket and any pending reconnect. Events the old
   * socket still emits (its close, above all) are ignored from then on.
   */
  private detachSocket(): WASocket | null {
    const socket = this.socket;
    this.socket = null;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    return socket;
  }

  private result(): ConnectResult {
    return { state: this.state, qr: this.state === 'open' ? null : this.qr, pairingCode: this.pairingCode };
  }

  private nextQrOrOpen(): Promise<ConnectResult> {
    return new Promise<ConnectResult>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private settleWaiters(error?: Error): void {
    for (const waiter of this.waiters.splice(0)) {
      if (error) waiter.reject(error);
      else waiter.resolve(this.result());
    }
  }

  private async open(): Promise<void> {
    this.reconnectTimer = undefined;
    if (this.closing) return;
    this.socketShowedQr = false;
    this.setState('connecting');
    const socket = await createSocket({
      whatsapp: this.data.whatsapp,
      auth: this.auth.state,
      settings: () => this.settings,
      proxy: this.proxy,
      logger: this.logger,
    });
    if (this.closing) {
      socket.end(undefined);
      return;
    }
    this.socket = socket;
    socket.ev.on('creds.update', () => {
      this.auth.saveCreds().catch((error: unknown) => this.logger.error({ err: error }, 'could not save creds'));
    });
    socket.ev.on('connection.update', (update) => this.onConnectionUpdate(socket, update));
    attachCallHandler(socket, {
      settings: () => this.settings,
      logger: this.logger,
      emit: (event, data) => this.emit(event, data),
    });
    attachInboundHandlers({
      socket,
      instanceId: this.data.instanceId,
      instanceName: this.data.instanceName,
      settings: () => this.settings,
      wantsBase64: () => this.webhookBase64,
      sentIds: this.sentIds,
      sentByApi: this.sentByApi,
      store: this.writes,
      logger: this.logger,
      emit: (event, data) => this.emit(event, data),
    });
  }

  private onConnectionUpdate(socket: WASocket, update: Partial<ConnectionState>): void {
    if (socket !== this.socket) return; // a socket already replaced or closed on purpose
    if (update.qr) this.onQr(update.qr);
    if (update.connection === 'open') this.onOpen(socket);
    if (update.connection === 'close') this.onClose(update);
  }

  private onQr(code: string): void {
    this.qrCount += 1;
    if (this.qrCount > this.data.whatsapp.qrcodeLimit) {
      this.logger.info({ limit: this.data.whatsapp.qrcodeLimit }, 'QR code limit reached');
      this.detachSocket()?.end(undefined);
      this.qr = null;
      this.emit('QRCODE_UPDATED', {
        message: 'QR code limit reached, please connect again',
        statusCode: DisconnectReason.badSession,
      });
      this.setState('close', { disconnectionReasonCode: DisconnectReason.connectionClosed }, true);
      this.emitConnection('refused', DisconnectReason.connectionClosed);
      this.settleWaiters(new CommandError('qr-limit', 'QR code limit reached, please connect again'));
      return;
    }
    this.socketShowedQr = true;
    this.qr = { code, count: this.qrCount };
    this.emit('QRCODE_UPDATED', {
      qrcode: { instance: this.data.instanceName, pairingCode: this.pairingCode, code, count: this.qrCount },
    });
    this.settleWaiters();
  }

  private onOpen(socket: WASocket): void {
    this.failures = 0;
    this.qr = null;
    this.qrCount = 0;
    this.pairingCode = null;
    this.ownerJid = socket.user?.id ? jidNormalizedUser(socket.user.id) : null;
    const profileName = socket.user?.name ?? socket.user?.notify ?? null;
    this.setState('open', {
      ownerJid: this.ownerJid,
      profileName,
      disconnectionReasonCode: null,
      disconnectionObject: null,
      disconnectionAt: null,
    });
    this.emitConnection('open', 200);
    this.settleWaiters();
    this.logger.info({ ownerJid: this.ownerJid }, 'connected to WhatsApp');
  }

  private onClose(update: Partial<ConnectionState>): void {
    this.socket = null;
    const code = closeCode(update);
    const reason = update.lastDisconnect?.error?.message ?? 'connection closed';
    const decision = decide(code, this.auth.registered, this.socketShowedQr);
    const proxy = this.proxy?.enabled ? describeProxy(this.proxy) : undefined;
    this.logger.info({ code, reason, decision, proxy }, 'connection closed');
    const disconnection: ConnectionPatch = {
      disconnectionReasonCode: code ?? null,
      disconnectionObject: JSON.stringify({ code: code ?? null, reason }),
      disconnectionAt: new Date().toISOString(),
    };
    switch (decision) {
      case 'reconnect-now':
        void this.open();
        return;
      case 'logged-out':
        // The phone unlinked this device: the stored session is useless now.
        void this.auth.clear();
        this.qr = null;
        this.setState('close', disconnection, true);
        this.emitConnection('close', code);
        this.emit('LOGOUT_INSTANCE', { instance: this.data.instanceName });
        this.settleWaiters(new CommandError('logged-out', 'WhatsApp logged this device out; connect again for a new QR'));
        return;
      case 'replaced':
        // Another client took over this session; fighting back would loop forever.
        this.setState('close', disconnection, true);
        this.emitConnection('close', code);
        this.settleWaiters(new CommandError('replaced', 'The session was opened elsewhere (connection replaced)'));
        return;
      case 'reconnect-later':
        this.failures += 1;
        this.setState('close', disconnection);
        this.emitConnection('close', code);
        this.settleWaiters(new CommandError('connection-failed', `WhatsApp connection failed: ${reason}`));
        this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    const { reconnectBaseMs, reconnectMaxMs } = this.data.whatsapp;
    const delay = backoffDelay(this.failures, { baseMs: reconnectBaseMs, maxMs: reconnectMaxMs, jitter: 0.5 });
    this.logger.info({ delayMs: delay, failures: this.failures }, 'reconnecting');
    this.reconnectTimer = setTimeout(() => void this.open(), delay);
  }

  private setState(state: ConnectionStatus, extra: ConnectionPatch = {}, final = false): void {
    const previous = this.state;
    this.state = state;
    this.post({ type: 'connection', patch: { connectionStatus: state, ...extra }, final });
    // A worker being stopped is not a connection change anyone asked to hear about.
    const status = this.closing ? null : statusInstanceEvent(this.data.instanceName, previous, state, extra);
    if (status) this.emit('STATUS_INSTANCE', status);
  }

  private emitConnection(state: string, statusReason: number | undefined): void {
    this.emit('CONNECTION_UPDATE', {
      instance: this.data.instanceName,
      state,
      statusReason: statusReason ?? null,
      wuid: this.ownerJid ?? undefined,
    });
  }

  private emit<E extends EventName>(event: E, data: EventPayloads[E]): void {
    // The pair is checked at this call's sites; TypeScript cannot follow it into the union.
    this.post({ type: 'event', event, data } as FromWorker);
  }
}
