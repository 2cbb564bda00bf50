// A stand-in for Meta's Graph API as the WhatsApp Cloud API uses it: phone numbers,
// messages, media, business profiles and templates held in memory, strict about
// requests the way Meta's published API document and reference are, and posting
// Meta's webhooks (signed, retried) when a test acts as a WhatsApp user.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  invalidParameter,
  invalidToken,
  mediaUploadError,
  missingParameter,
  rateLimited,
  unknownObject,
  unknownPath,
  type GraphReply,
  type RateLimitKind,
} from './errors.js';
import { checkReadReceipt, checkSend } from './messages.js';
import { envelope, inboundMessage, MEDIA_KINDS, messageValue, statusValue, type InboundMessage, type MediaKind, type StatusUpdate } from './payloads.js';
import { violation } from './request-validation.js';
import { GraphState, numericId, sha256Base64, wamid, type BusinessProfile, type Media, type PhoneNumber, type QualityRating, type SentMessage, type Template, type TemplateStatus } from './state.js';
import { createTemplate, listTemplates, templateView } from './templates.js';
import { DEFAULT_RETRY, WebhookSender, type RetryPolicy, type Verification, type WebhookDelivery } from './webhooks.js';

export interface GraphPeerOptions {
  /** The app secret webhooks are signed with (X-Hub-Signature-256); unsigned without. */
  appSecret?: string;
  /** The Graph version the test client is told to use, e.g. "v23.0"; any vX.Y is served. */
  version?: string;
  /** New templates are APPROVED at once ("immediate", the default) or stay PENDING until approveTemplate. */
  templateReview?: 'immediate' | 'manual';
  /** After each accepted send, post sent, delivered and read statuses this far apart (off by default). */
  autoStatuses?: { delayMs: number } | false;
  retry?: Partial<RetryPolicy>;
}
export interface RecordedRequest { method: string; path: string; status: number }
export interface Delivered { id: string; delivery: WebhookDelivery; mediaId?: string }

type Json = Record<string, unknown>;
interface Incoming { method: string; url: URL; headers: http.IncomingHttpHeaders; raw: Buffer }

const ok = (body: unknown): GraphReply => ({ status: 200, body });
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const VERSION = /^v\d+\.\d+$/;

// Cloud API reference, "Supported media types": MIME types and their size limits.
const MB = 1024 * 1024;
const UPLOAD_LIMITS: Record<string, number> = {
  'audio/aac': 16 * MB, 'audio/amr': 16 * MB, 'audio/mpeg': 16 * MB, 'audio/mp4': 16 * MB, 'audio/ogg': 16 * MB,
  'image/jpeg': 5 * MB, 'image/png': 5 * MB, 'image/webp': 5 * MB,
  'video/mp4': 16 * MB, 'video/3gpp': 16 * MB,
  'text/plain': 100 * MB, 'application/pdf': 100 * MB, 'application/msword': 100 * MB, 'application/vnd.ms-excel': 100 * MB,
  'application/vnd.ms-powerpoint': 100 * MB,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 100 * MB,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 100 * MB,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 100 * MB,
};
// Media URLs are good for five minutes (Cloud API reference, "Retrieve media URL").
const MEDIA_URL_TTL_S = 300;

const PHONE_FIELDS = ['id', 'display_phone_number', 'verified_name', 'quality_rating', 'name_status', 'code_verification_status', 'platform_type', 'throughput', 'messaging_limit_tier', 'status'];
const PHONE_DEFAULT_FIELDS = ['id', 'display_phone_number', 'verified_name', 'quality_rating'];
const PHONE_EDGES = ['messages', 'media', 'whatsapp_business_profile'];
const WABA_EDGES = ['message_templates', 'phone_numbers'];
const PROFILE_FIELDS = ['about', 'address', 'description', 'email', 'profile_picture_url', 'websites', 'vertical', 'messaging_product'];

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
    if ((MEDIA_KINDS as readonly string[]).includes(message.type)) {
      const sent = message as InboundMessage & { type: MediaKind; bytes: Buffer; mimeType: string; filename?: string };
      const stored = this.state.storeMedia(phone.id, sent.bytes, sent.mimeType, sent.filename);
      media = { id: stored.id, sha256: sha256Base64(sent.bytes) };
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

  private tokenOf(request: Incoming): string | null {
    const header = request.headers.authorization;
    if (typeof header === 'string') {
      const match = header.match(/^(?:Bearer|OAuth)\s+(\S+)$/i);
      return match ? match[1] : null;
    }
    return request.url.searchParams.get('access_token');
  }

  private async answer(request: Incoming): Promise<GraphReply> {
    const segments = request.url.pathname.split('/').filter(Boolean);
    if (segments[0] === 'lookaside') return this.download(request);
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
    if (phone && edge === 'media' && method === 'POST') return this.upload(request, phone);
    if (phone && edge === 'whatsapp_business_profile' && method === 'GET') return this.profile(request, phone);
    if (phone && edge === 'whatsapp_business_profile' && method === 'POST') return this.updateProfile(request, phone);
    if (this.state.isWaba(id) && edge === 'message_templates') return this.templates(request, id);
    if (this.state.isWaba(id) && edge === 'phone_numbers' && method === 'GET') {
      return ok({ data: this.state.phoneNumbers.filter((p) => p.wabaId === id).map((p) => this.phoneView(p, PHONE_DEFAULT_FIELDS)) });
    }
    const known = phone ? PHONE_EDGES : this.state.isWaba(id) ? WABA_EDGES : null;
    if (known && !known.includes(edge)) return unknownPath(`/${edge}`);
    return unknownObject(id, method);
  }

  /** GET or DELETE of an id: a phone number, a media object or a template. */
  private node(request: Incoming, id: string): GraphReply {
    const { method } = request;
    const phone = this.state.phoneNumber(id);
    if (phone && method === 'GET') return this.showPhone(request, phone);
    const media = this.state.media.get(id);
    if (media && method === 'GET') return ok(this.mediaView(media));
    if (media && method === 'DELETE') {
      this.state.media.delete(id);
      return ok({ success: true });
    }
    const template = this.state.templates.find((t) => t.id === id);
    if (template && method === 'GET') return ok(templateView(template));
    return unknownObject(id, method);
  }

  private fields(request: Incoming, known: string[], defaults: string[], nodeType: string): string[] | GraphReply {
    const asked = request.url.searchParams.get('fields');
    if (!asked) return defaults;
    const fields = asked.split(',').map((f) => f.trim()).filter(Boolean);
    const unknown = fields.find((f) => !known.includes(f));
    if (unknown) return invalidParameter(`Tried accessing nonexisting field (${unknown}) on node type (${nodeType})`);
    return fields;
  }

  private phoneView(phone: PhoneNumber, fields: string[]): Json {
    const all: Json = {
      id: phone.id,
      display_phone_number: phone.display_phone_number,
      verified_name: phone.verified_name,
      quality_rating: phone.quality_rating,
      name_status: 'APPROVED',
      code_verification_status: 'VERIFIED',
      platform_type: 'CLOUD_API',
      throughput: { level: 'STANDARD' },
      messaging_limit_tier: 'TIER_1K',
      status: 'CONNECTED',
    };
    const view: Json = {};
    for (const field of fields) view[field] = all[field];
    view.id = phone.id;
    return view;
  }

  private showPhone(request: Incoming, phone: PhoneNumber): GraphReply {
    const fields = this.fields(request, PHONE_FIELDS, PHONE_DEFAULT_FIELDS, 'WhatsAppBusinessPhoneNumber');
    return Array.isArray(fields) ? ok(this.phoneView(phone, fields)) : fields;
  }

  private profile(request: Incoming, phone: PhoneNumber): GraphReply {
    const fields = this.fields(request, PROFILE_FIELDS, PROFILE_FIELDS, 'WhatsAppBusinessProfile');
    if (!Array.isArray(fields)) return fields;
    const all: Json = { ...phone.profile, messaging_product: 'whatsapp' };
    const view: Json = {};
    for (const field of fields) if (all[field] !== undefined) view[field] = all[field];
    return ok({ data: [view] });
  }

  private updateProfile(request: Incoming, phone: PhoneNumber): GraphReply {
    const body = parseJson(request.raw);
    if (!isObject(body)) return invalidParameter('Invalid parameter', 'The request body is not a JSON object.');
    if (body.messaging_product === undefined) return invalidParameter('The parameter messaging_product is required.');
    const found = violation('business_profile_update', body);
    if (found) return found.kind === 'missing' ? missingParameter(found.details) : invalidParameter('Invalid parameter', found.details);
    const { messaging_product: _product, profile_picture_handle: handle, ...fields } = body;
    Object.assign(phone.profile, fields);
    // Meta turns an upload handle into a picture URL; the peer keeps no bytes behind it
    // (it does not serve the Resumable Upload API that hands out handles).
    if (typeof handle === 'string') phone.profile.profile_picture_url = `${this.url}/lookaside/profile/${phone.id}.jpg`;
    return ok({ success: true });
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

  private async upload(request: Incoming, phone: PhoneNumber): Promise<GraphReply> {
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.startsWith('multipart/form-data')) return invalidParameter('Invalid parameter', 'Media is uploaded as multipart/form-data.');
    let form: FormData;
    try {
      form = await new Response(request.raw, { headers: { 'content-type': contentType } }).formData();
    } catch {
      return invalidParameter('Invalid parameter', 'The multipart body could not be read.');
    }
    const product = form.get('messaging_product');
    if (product === null) return invalidParameter('The parameter messaging_product is required.');
    if (product !== 'whatsapp') return invalidParameter(`Param messaging_product must be one of {WHATSAPP} - got "${String(product)}".`);
    const file = form.get('file');
    if (file === null || typeof file === 'string') return missingParameter('The parameter file is required.');
    const type = form.get('type');
    if (typeof type !== 'string' || type === '') return missingParameter('The parameter type is required.');
    const limit = UPLOAD_LIMITS[type];
    if (limit === undefined) return mediaUploadError(`Param file must be a file with one of the following types: ${Object.keys(UPLOAD_LIMITS).join(', ')}. Received file of type '${type}'.`);
    const bytes = Buffer.from(await file.arrayBuffer());
    if (bytes.length === 0) return mediaUploadError('The uploaded file is empty.');
    if (bytes.length > limit) return mediaUploadError(`The file is ${bytes.length} bytes; ${type} may be at most ${limit}.`);
    const media = this.state.storeMedia(phone.id, bytes, type, file.name || undefined);
    return ok({ id: media.id });
  }

  private mediaView(media: Media): Json {
    const expires = Math.floor(Date.now() / 1000) + MEDIA_URL_TTL_S;
    const url = new URL('/lookaside/whatsapp_business/attachments/', this.url);
    url.searchParams.set('mid', media.id);
    url.searchParams.set('ext', String(expires));
    url.searchParams.set('hash', randomBytes(12).toString('base64url'));
    return { messaging_product: 'whatsapp', url: url.toString(), mime_type: media.mimeType, sha256: media.sha256, file_size: media.bytes.length, id: media.id };
  }

  /** lookaside.fbsbx.com: the bytes behind a media URL, only with a valid bearer token, until the URL expires. */
  private download(request: Incoming): GraphReply {
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? header.match(/^Bearer\s+(\S+)$/i)?.[1] : undefined;
    if (!token || !this.state.tokens.has(token)) return { status: 401, body: 'Unauthorized' };
    const media = this.state.media.get(request.url.searchParams.get('mid') ?? '');
    const expires = Number(request.url.searchParams.get('ext'));
    if (!media || !(expires * 1000 > Date.now())) return { status: 404, body: 'Not Found' };
    return { status: 200, body: media.bytes, headers: { 'content-type': media.mimeType, 'content-length': String(media.bytes.length) } };
  }

  private templates(request: Incoming, wabaId: string): GraphReply {
    if (request.method === 'GET') return listTemplates(this.state, wabaId, request.url.searchParams, request.url.toString());
    if (request.method === 'DELETE') return this.deleteTemplate(request, wabaId);
    if (request.method !== 'POST') return unknownObject(wabaId, request.method);
    const body = parseJson(request.raw);
    if (!isObject(body)) return invalidParameter('Invalid parameter', 'The request body is not a JSON object.');
    return createTemplate(this.state, wabaId, body, this.review === 'immediate' ? 'APPROVED' : 'PENDING');
  }

  /** DELETE ?name= removes every language of a template (and ?hsm_id= one of them). */
  private deleteTemplate(request: Incoming, wabaId: string): GraphReply {
    const name = request.url.searchParams.get('name');
    if (!name) return missingParameter('The parameter name is required.');
    const hsmId = request.url.searchParams.get('hsm_id');
    const doomed = this.state.templates.filter((t) => t.wabaId === wabaId && t.name === name && (!hsmId || t.id === hsmId));
    if (doomed.length === 0) return invalidParameter('Invalid parameter', `Message template "${name}" does not exist.`);
    for (const t of doomed) this.state.templates.splice(this.state.templates.indexOf(t), 1);
    return ok({ success: true });
  }
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
