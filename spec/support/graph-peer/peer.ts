// A stand-in for Meta's Graph API as the WhatsApp Cloud API uses it: phone numbers,
// messages, media, business profiles and templates held in memory, strict about
// requests the way Meta's published API document and reference are, and posting
// Meta's webhooks (signed, retried) when a test acts as a WhatsApp user.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listPhones, showPhone, showProfile, updateProfile } from './account.js';
import { invalidParameter, invalidToken, rateLimited, unknownObject, unknownPath, type GraphReply, type RateLimitKind } from './errors.js';
import { downloadMedia, LOOKASIDE_PATH, mediaView, uploadMedia } from './media.js';
import { checkReadReceipt, checkSend } from './messages.js';
import { envelope, inboundMessage, isMedia, messageValue, statusValue, type InboundMessage, type StatusUpdate } from './payloads.js';
import { bearerOf, isObject, ok, parseJson, type Incoming, type Json } from './request.js';
import { GraphState, numericId, sha256Base64, wamid, type BusinessProfile, type Media, type PhoneNumber, type QualityRating, type SentMessage, type Template, type TemplateStatus } from './state.js';
import { templatesEdge, templateView } from './templates.js';
import { DEFAULT_RETRY, WebhookSender, type RetryPolicy, type Verification, type WebhookDelivery } from './webhooks.js';

export interface GraphPeerOptions {
  /** The app secret webhooks are signed with (X-Hub-Signature-256); unsigned without. */
  appSecret?: string;
  /** The Graph version the test client is told to use, e.g. "v23.0"; any vX.Y is served. */
  version?: string;
  /** New templates are APPROVED at once ("immediate", the default) or stay PENDING until setTemplateStatus. */
  templateReview?: 'immediate' | 'manual';
  /** After each accepted send, post sent, delivered and read statuses this far apart (off by default). */
  autoStatuses?: { delayMs: number } | false;
  retry?: Partial<RetryPolicy>;
}
export interface RecordedRequest { method: string; path: string; status: number }
export interface Delivered { id: string; delivery: WebhookDelivery; mediaId?: string }

const VERSION = /^v\d+\.\d+$/;
const PHONE_EDGES = ['messages', 'media', 'whatsapp_business_profile'];
const WABA_EDGES = ['message_templates', 'phone_numbers'];

export class GraphPeer {
  readonly state = new GraphState();
  readonly requests: RecordedRequest[] = [];
  readonly version: string;
  private readonly server: http.Server;
  private readonly webhooks: WebhookSender;
  private readonly review: 'immediate' | 'manual';
  private readonly autoStatuses: { delayMs: number } | false;
  private limited: { remaining: number; kind: RateLimitKind } = { remaining: 0, kind: 'throughput' };
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  private constructor(options: GraphPeerOptions) {
    this.version = options.version ?? 'v23.0';
    this.review = options.templateReview ?? 'immediate';
    this.autoStatuses = options.autoStatuses ?? false;
    this.webhooks = new WebhookSender(options.appSecret, { ...DEFAULT_RETRY, ...options.retry });
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  static async start(options: GraphPeerOptions = {}): Promise<GraphPeer> {
    const peer = new GraphPeer(options);
    await new Promise<void>((resolve) => peer.server.listen(0, '127.0.0.1', resolve));
    return peer;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The versioned base a client prefixes paths with, e.g. http://127.0.0.1:1234/v23.0. */
  get graphUrl(): string {
    return `${this.url}/${this.version}`;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.webhooks.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- test API: the business's account ----

  /** A registered business number, in a WABA of its own unless `wabaId` joins it to one. */
  addPhoneNumber(fields: { display_phone_number?: string; verified_name?: string; quality_rating?: QualityRating; wabaId?: string; profile?: BusinessProfile } = {}): PhoneNumber {
    const phone: PhoneNumber = {
      id: numericId(15),
      wabaId: fields.wabaId ?? numericId(15),
      display_phone_number: fields.display_phone_number ?? `+1 555-${String(this.state.phoneNumbers.length + 100).padStart(3, '0')}-0100`,
      verified_name: fields.verified_name ?? 'Test Business',
      quality_rating: fields.quality_rating ?? 'GREEN',
      profile: fields.profile ?? { about: 'Hello', vertical: 'OTHER', websites: [] },
    };
    this.state.phoneNumbers.push(phone);
    return phone;
  }

  /** A valid access token (a system user's: it may act for every number). */
  addToken(token = `EAAG${randomBytes(24).toString('base64url')}`): string {
    this.state.tokens.add(token);
    return token;
  }

  revokeToken(token: string): void {
    this.state.tokens.delete(token);
  }

  /** A template as if created and reviewed earlier. */
  addTemplate(wabaId: string, fields: { name: string; language: string; category?: string; status?: TemplateStatus; components: Array<Record<string, unknown>> }): Template {
    const template: Template = { id: numericId(15), wabaId, category: 'UTILITY', status: 'APPROVED', ...fields };
    this.state.templates.push(template);
    return template;
  }

  /** Review outcome of a PENDING template; posts message_template_status_update when subscribed. */
  setTemplateStatus(id: string, status: TemplateStatus, reason: string | null = null): WebhookDelivery | null {
    const template = this.state.templates.find((t) => t.id === id);
    if (!template) throw new Error(`template ${id} does not exist`);
    template.status = status;
    const phone = this.state.phoneNumbers.find((p) => p.wabaId === template.wabaId);
    if (!phone || !this.webhooks.callbackUrl) return null;
    const value = { event: status, message_template_id: Number(template.id), message_template_name: template.name, message_template_language: template.language, reason };
    return this.webhooks.send(envelope(phone, 'message_template_status_update', value));
  }

  /** The next n sends (POST /messages) are refused with a rate-limit error; `application` refuses any call. */
  rateLimit(n: number, kind: RateLimitKind = 'throughput'): void {
    this.limited = { remaining: n, kind };
  }

  /** Messages accepted from the business, in order. */
  sent(phoneNumberId?: string): SentMessage[] {
    return this.state.sent.filter((m) => phoneNumberId === undefined || m.phoneNumberId === phoneNumberId);
  }

  /** How many requests reached a path (query left out), e.g. `/v23.0/123/messages`. */
  count(path: string, method?: string): number {
    return this.requests.filter((r) => r.path.split('?')[0] === path && (method === undefined || r.method === method)).length;
  }

  media(id: string): Media | undefined {
    return this.state.media.get(id);
  }

  // ---- test API: webhooks ----

  /** Meta's verification of a callback URL; later deliveries go to it when it passed. */
  subscribe(callbackUrl: string, verifyToken: string): Promise<Verification> {
    return this.webhooks.verify(callbackUrl, verifyToken);
  }

  get deliveries(): readonly WebhookDelivery[] {
    return this.webhooks.deliveries;
  }

  /** A WhatsApp user writes to a business number: Meta posts the `messages` change. */
  deliverMessage(phoneNumberId: string, message: InboundMessage): Delivered {
    const phone = this.mustPhone(phoneNumberId);
    this.mustBeSubscribed();
    const id = wamid(message.from.replace(/\D/g, ''), 'incoming');
    let media: { id: string; sha256: string } | undefined;
    if (isMedia(message)) {
      const stored = this.state.storeMedia(phone.id, message.bytes, message.mimeType, message.filename);
      media = { id: stored.id, sha256: sha256Base64(message.bytes) };
    }
    this.state.noteReceived(phone.id, id);
    const value = messageValue(phone, message, inboundMessage(phone, message, id, media));
    return { id, mediaId: media?.id, delivery: this.webhooks.send(envelope(phone, 'messages', value)) };
  }

  /** A status of a message the business sent: Meta posts the `messages` change with `statuses`. */
  deliverStatus(phoneNumberId: string, update: StatusUpdate): WebhookDelivery {
    const phone = this.mustPhone(phoneNumberId);
    return this.webhooks.send(envelope(phone, 'messages', statusValue(phone, update)));
  }

  // ---- HTTP ----

  private mustBeSubscribed(): void {
    if (!this.webhooks.callbackUrl) throw new Error('no webhook subscription: call subscribe() first');
  }

  private mustPhone(id: string): PhoneNumber {
    const phone = this.state.phoneNumber(id);
    if (!phone) throw new Error(`phone number ${id} does not exist`);
    return phone;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    let reply: GraphReply;
    try {
      reply = await this.answer({ method, url, headers: req.headers, raw: Buffer.concat(chunks) });
    } catch (error) {
      reply = { status: 500, body: { error: { message: String(error), type: 'OAuthException', code: 1 } } };
    }
    this.requests.push({ method, path: url.pathname + url.search, status: reply.status });
    if (Buffer.isBuffer(reply.body)) {
      res.writeHead(reply.status, { 'content-type': 'application/octet-stream', ...reply.headers }).end(reply.body);
      return;
    }
    if (typeof reply.body === 'string') {
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers }).end(reply.body);
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=UTF-8', ...reply.headers }).end(JSON.stringify(reply.body));
  }

  /** Graph takes the token from the Authorization header, or else the access_token parameter. */
  private tokenOf(request: Incoming): string | null {
    if (request.headers.authorization !== undefined) return bearerOf(request);
    return request.url.searchParams.get('access_token');
  }

  private async answer(request: Incoming): Promise<GraphReply> {
    if (request.url.pathname === LOOKASIDE_PATH) return downloadMedia(this.state, request);
    const segments = request.url.pathname.split('/').filter(Boolean);
    const token = this.tokenOf(request);
    if (!token || !this.state.tokens.has(token)) return invalidToken();
    if (segments.length > 0 && VERSION.test(segments[0])) segments.shift();
    if (this.limited.remaining > 0 && this.limited.kind === 'application') {
      this.limited.remaining -= 1;
      return rateLimited('application');
    }
    return this.route(request, segments);
  }

  private route(request: Incoming, segments: string[]): Promise<GraphReply> | GraphReply {
    const { method } = request;
    const [id, edge, ...rest] = segments;
    if (!id || rest.length > 0) return unknownPath(request.url.pathname);
    const phone = this.state.phoneNumber(id);
    if (edge === undefined) return this.node(request, id);
    if (phone && edge === 'messages' && method === 'POST') return this.send(request, phone);
    if (phone && edge === 'media' && method === 'POST') return uploadMedia(this.state, phone, request);
    if (phone && edge === 'whatsapp_business_profile' && method === 'GET') return showProfile(request, phone);
    if (phone && edge === 'whatsapp_business_profile' && method === 'POST') return updateProfile(request, phone, this.url);
    if (this.state.isWaba(id) && edge === 'message_templates') return templatesEdge(this.state, id, request, this.review === 'immediate' ? 'APPROVED' : 'PENDING');
    if (this.state.isWaba(id) && edge === 'phone_numbers' && method === 'GET') return listPhones(this.state, id);
    const known = phone ? PHONE_EDGES : this.state.isWaba(id) ? WABA_EDGES : null;
    if (known && !known.includes(edge)) return unknownPath(`/${edge}`);
    return unknownObject(id, method);
  }

  /** GET or DELETE of an id: a phone number, a media object or a template. */
  private node(request: Incoming, id: string): GraphReply {
    const { method } = request;
    const phone = this.state.phoneNumber(id);
    if (phone && method === 'GET') return showPhone(request, phone);
    const media = this.state.media.get(id);
    // ?phone_number_id= asks Graph to act only if the media belongs to that number.
    const owner = request.url.searchParams.get('phone_number_id');
    if (media && owner !== null && owner !== media.phoneNumberId) return unknownObject(id, method);
    if (media && method === 'GET') return ok(mediaView(media, this.url));
    if (media && method === 'DELETE') {
      this.state.media.delete(id);
      return ok({ success: true });
    }
    const template = this.state.templates.find((t) => t.id === id);
    if (template && method === 'GET') return ok(templateView(template));
    return unknownObject(id, method);
  }

  private send(request: Incoming, phone: PhoneNumber): GraphReply {
    const body = parseJson(request.raw);
    if (!isObject(body)) return invalidParameter('Invalid parameter', 'The request body is not a JSON object.');
    if (body.status !== undefined) {
      const receipt = checkReadReceipt(this.state, phone, body);
      return 'messageId' in receipt ? ok({ success: true }) : receipt;
    }
    if (this.limited.remaining > 0) {
      this.limited.remaining -= 1;
      return rateLimited(this.limited.kind);
    }
    const checked = checkSend(this.state, phone, body);
    if ('status' in checked) return checked;
    const id = wamid(checked.waId);
    this.state.sent.push({ id, phoneNumberId: phone.id, waId: checked.waId, type: checked.kind, body, at: Date.now() });
    this.echoStatuses(phone, id, checked.waId);
    const message: Json = { id };
    if (checked.kind === 'template') message.message_status = 'accepted';
    return ok({ messaging_product: 'whatsapp', contacts: [{ input: String(body.to), wa_id: checked.waId }], messages: [message] });
  }

  /** sent, delivered, read, each posted once the one before it is settled (in order, as a phone would). */
  private echoStatuses(phone: PhoneNumber, id: string, waId: string): void {
    if (!this.autoStatuses || !this.webhooks.callbackUrl) return;
    const { delayMs } = this.autoStatuses;
    const run = async () => {
      for (const status of ['sent', 'delivered', 'read'] as const) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            resolve();
          }, delayMs);
          this.timers.add(timer);
        });
        if (this.stopped) return;
        await this.deliverStatus(phone.id, { id, status, recipient_id: waId }).done;
      }
    };
    void run();
  }
}
