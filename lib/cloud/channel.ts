// The commands of a WHATSAPP-BUSINESS instance, answered in the main thread
// through Meta's Graph API instead of by a worker: the same command kinds and
// results as a Baileys worker's (lib/supervisor/protocol.ts), so routes do not
// care which channel an instance has. What a Cloud number cannot do is a 400.
import type { Instance } from '../db/instances.js';
import type { Repositories } from '../db/repositories.js';
import { DomainError, notConnected, notFound } from '../errors.js';
import type { EventPublisher } from '../events/publisher.js';
import type { Logger } from '../logger.js';
import type { MessageKey, MessageRecord, SendRequest } from '../messages/types.js';
import type { Store } from '../store/store.js';
import type { CommandKind, CommandOf, CommandResults, ResultOf, WorkerCommand } from '../supervisor/protocol.js';
import type { InstanceRef } from '../supervisor/supervisor.js';
import { markClosed } from './account.js';
import type { CloudClients } from './clients.js';
import type { GraphClient, GraphResult } from './graph-client.js';
import { attachmentOf, cloudContent, messageBody, notAvailable, templateBody, waIdOf, type Attachment, type MediaRef } from './message-body.js';
import { graphRefusal, isTokenRefused } from './refusal.js';
import { sentRecord, sentTemplateRecord } from './sent-record.js';
import type { TemplateRecord, TemplateSend, TemplateSpec } from './types.js';

export interface CloudChannelDeps {
  repos: Repositories;
  store: Store;
  events: EventPublisher;
  logger: Logger;
  clients: CloudClients;
}

/** What POST /{phone-number-id}/messages answers. */
interface SendAnswer {
  contacts?: { input: string; wa_id: string }[];
  messages?: { id: string }[];
}

interface TemplatePage {
  data?: Record<string, unknown>[];
  paging?: { cursors?: { after?: string }; next?: string };
}

/** Pages of templates read at most (25 each, Graph's default). */
const TEMPLATE_PAGES_MAX = 40;

type CloudHandlers = { [K in CommandKind]?: (instance: Instance, command: CommandOf<K>) => Promise<CommandResults[K]> };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class CloudChannel {
  private readonly handlers: CloudHandlers = {
    status: async (instance) => ({ state: instance.connectionStatus }),
    close: async () => ({ closed: true }),
    logout: async (instance) => {
      await markClosed(this.deps, instance);
      return { loggedOut: true };
    },
    'reload-settings': async () => ({ reloaded: true }),
    'reload-proxy': async (instance) => {
      this.deps.clients.forget(instance.id);
      return { reloaded: true };
    },
    send: (instance, command) => this.send(instance, command.request),
    'send-template': (instance, command) => this.sendTemplate(instance, command.request),
    'mark-read': (instance, command) => this.markRead(instance, command.keys),
    'template-create': (instance, command) => this.createTemplate(instance, command.template),
    'template-find': (instance) => this.findTemplates(instance),
    'download-media': (instance, command) => this.downloadMedia(instance, command.message),
  };

  constructor(private readonly deps: CloudChannelDeps) {}

  async command<C extends WorkerCommand>(ref: InstanceRef, command: C): Promise<ResultOf<C>> {
    const instance = await this.deps.repos.instances.findById(ref.id);
    if (!instance) throw notFound(`The "${ref.name}" instance does not exist`);
    // The table is typed kind by kind; indexing it with a generic kind loses that link.
    const handler = this.handlers[command.kind] as ((instance: Instance, command: C) => Promise<ResultOf<C>>) | undefined;
    if (!handler) throw notAvailable(`This route (${command.kind})`);
    return handler(instance, command);
  }

  private async send(instance: Instance, request: SendRequest): Promise<MessageRecord> {
    assertOpen(instance);
    const content = cloudContent(request.content);
    const to = waIdOf(request.number);
    const attachment = attachmentOf(content);
    const media = attachment ? await this.mediaRef(instance, attachment) : undefined;
    if (request.options.delay) await sleep(request.options.delay);
    const body = messageBody(to, content, request.options, media);
    const answer = await this.call(instance, 'send the message', (client) => client.post<SendAnswer>(`/${instance.number}/messages`, { json: body }));
    const sent = { instanceId: instance.id, waId: answer.contacts?.[0]?.wa_id ?? to, wamid: wamidOf(answer), quoted: request.options.quoted };
    return this.recordSent(instance, sentRecord(sent, content));
  }

  private async sendTemplate(instance: Instance, request: TemplateSend): Promise<MessageRecord> {
    assertOpen(instance);
    const to = waIdOf(request.number);
    const body = templateBody(to, request);
    const answer = await this.call(instance, 'send the template', (client) => client.post<SendAnswer>(`/${instance.number}/messages`, { json: body }));
    const sent = { instanceId: instance.id, waId: answer.contacts?.[0]?.wa_id ?? to, wamid: wamidOf(answer), quoted: request.quoted };
    return this.recordSent(instance, sentTemplateRecord(sent, request));
  }

  /** A link goes to Meta as is; bytes are uploaded first and sent by their media id. */
  private async mediaRef(instance: Instance, attachment: Attachment): Promise<MediaRef> {
    if (attachment.link !== undefined) return { link: attachment.link };
    // Meta takes the bare MIME type ("audio/ogg", not "audio/ogg; codecs=opus").
    const type = attachment.mimetype.split(';')[0].trim();
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', type);
    form.append('file', new Blob([attachment.data], { type }), attachment.fileName || 'media');
    const uploaded = await this.call(instance, 'take the media', (client) => client.post<{ id: string }>(`/${instance.number}/media`, { form }));
    return { id: uploaded.id };
  }

  /** Stored and reported as a Baileys send is: the message, its chat, send.message. */
  private async recordSent(instance: Instance, record: MessageRecord): Promise<MessageRecord> {
    const { store } = this.deps;
    await store.serve(instance.id, { kind: 'messages-upsert', records: [record] });
    await store.serve(instance.id, { kind: 'chats-upsert', chats: [{ remoteJid: record.key.remoteJid, lastMessageTimestamp: record.messageTimestamp }] });
    await this.deps.events.publish(instance, 'SEND_MESSAGE', record);
    return record;
  }

  /** A received file again, by the media id Meta gave it (kept in the stored message). */
  private async downloadMedia(instance: Instance, message: Record<string, unknown>): Promise<{ base64: string }> {
    const mediaId = mediaIdOf(message);
    if (!mediaId) throw new DomainError('invalid', 'The message carries no Meta media id to download');
    const download = await this.call(instance, `download media ${mediaId}`, (client) => client.downloadMedia(mediaId));
    return { base64: download.bytes.toString('base64') };
  }

  /** Meta's read receipt: marks each received message (and those before it) read. */
  private async markRead(instance: Instance, keys: MessageKey[]): Promise<{ read: number }> {
    assertOpen(instance);
    for (const key of keys) {
      const body = { messaging_product: 'whatsapp', status: 'read', message_id: key.id };
      await this.call(instance, `mark message ${key.id} read`, (client) => client.post(`/${instance.number}/messages`, { json: body }));
    }
    return { read: keys.length };
  }

  private async createTemplate(instance: Instance, spec: TemplateSpec): Promise<TemplateRecord> {
    const wabaId = businessIdOf(instance);
    const body = {
      name: spec.name,
      category: spec.category,
      ...(spec.allowCategoryChange !== undefined ? { allow_category_change: spec.allowCategoryChange } : {}),
      language: spec.language,
      components: spec.components,
    };
    const answer = await this.call(instance, 'create the template', (client) => client.post<Record<string, unknown>>(`/${wabaId}/message_templates`, { json: body }));
    return this.deps.repos.templates.insert(instance.id, { templateId: String(answer.id ?? ''), name: spec.name, template: answer, webhookUrl: spec.webhookUrl ?? null });
  }

  /** Every template of the business account, page after page. */
  private async findTemplates(instance: Instance): Promise<Record<string, unknown>[]> {
    const wabaId = businessIdOf(instance);
    const templates: Record<string, unknown>[] = [];
    let after: string | undefined;
    for (let page = 0; page < TEMPLATE_PAGES_MAX; page++) {
      const query: Record<string, string> = after ? { after } : {};
      const answer = await this.call(instance, 'list the templates', (client) => client.get<TemplatePage>(`/${wabaId}/message_templates`, query));
      templates.push(...(answer.data ?? []));
      after = answer.paging?.next ? answer.paging.cursors?.after : undefined;
      if (!after) break;
    }
    return templates;
  }

  /**
   * One Graph call through the instance's client. A token Meta no longer
   * accepts (190) closes the instance: it is open only while its token is good.
   */
  private async call<T>(instance: Instance, action: string, run: (client: GraphClient) => Promise<GraphResult<T>>): Promise<T> {
    const client = await this.deps.clients.clientFor(instance);
    const result = await run(client);
    if (result.ok) return result.value;
    if (isTokenRefused(result)) {
      // Calls refused together close it once: each reads the row again first.
      const current = await this.deps.repos.instances.findById(instance.id);
      if (current && current.connectionStatus !== 'close') await markClosed(this.deps, current, result);
    }
    throw graphRefusal(result, action);
  }
}

function assertOpen(instance: Instance): void {
  if (instance.connectionStatus !== 'open') throw notConnected(instance.name);
}

function businessIdOf(instance: Instance): string {
  if (!instance.businessId) throw new DomainError('invalid', `The "${instance.name}" instance has no businessId`);
  return instance.businessId;
}

function wamidOf(answer: SendAnswer): string {
  const id = answer.messages?.[0]?.id;
  if (!id) throw new DomainError('whatsapp-error', 'Meta accepted the message without giving its id');
  return id;
}

/** The Meta media id a received media message keeps inside its media object. */
function mediaIdOf(message: Record<string, unknown>): string | null {
  for (const value of Object.values(message)) {
    if (typeof value !== 'object' || value === null) continue;
    const id = (value as { id?: unknown }).id;
    if (typeof id === 'string' && id !== '') return id;
  }
  return null;
}
