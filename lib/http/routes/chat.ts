import Router from '@koa/router';
import type { Chat } from '../../db/chats.js';
import type { Contact } from '../../db/contacts.js';
import { normalizeJid } from '../../messages/jid.js';
import { messagePaging } from '../../messages/message-paging.js';
import type { MessageKey } from '../../messages/types.js';
import {
  deleteForEveryoneBody,
  findChatsBody,
  findContactsBody,
  findMessagesBody,
  markAsReadBody,
  profilePictureBody,
  updateMessageBody,
  whatsappNumbersBody,
  type DeleteForEveryoneBody,
  type FindChatsBody,
  type FindContactsBody,
  type FindMessagesBody,
  type MarkAsReadBody,
  type ProfilePictureBody,
  type UpdateMessageBody,
  type WhatsappNumbersBody,
} from '../../schemas/chat.js';
import { instanceParams } from '../../schemas/common.js';
import { instanceOf, type AppContext } from '../auth.js';
import { badRequest } from '../errors.js';
import { respondJson } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

function seconds(value: string | number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(`where.messageTimestamp.${field} must be a date (ISO 8601) or unix seconds`);
  return Math.floor(ms / 1000);
}

function keyOf(key: { id: string; remoteJid: string; fromMe?: boolean; participant?: string }): MessageKey {
  return { id: key.id, remoteJid: normalizeJid(key.remoteJid), fromMe: key.fromMe ?? false, ...(key.participant ? { participant: key.participant } : {}) };
}

const contactView = (instanceId: string) => (contact: Contact) => ({
  id: contact.remoteJid,
  remoteJid: contact.remoteJid,
  pushName: contact.pushName,
  profilePicUrl: contact.profilePicUrl,
  createdAt: contact.createdAt,
  updatedAt: contact.updatedAt,
  instanceId,
});

const chatView = (instanceId: string) => (chat: Chat) => ({
  id: chat.remoteJid,
  remoteJid: chat.remoteJid,
  name: chat.name,
  unreadCount: chat.unreadMessages,
  lastMessageTimestamp: chat.lastMessageTimestamp,
  createdAt: chat.createdAt,
  updatedAt: chat.updatedAt,
  instanceId,
});

/** The chat routes of Evolution API v2: searches read the store, actions go through the worker. */
export function chatRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/chat' });
  const { auth, repos, supervisor } = deps;
  const guarded = (schema: object) => [auth.instanceAccess, validate({ params: instanceParams, body: schema })] as const;

  router.post('/whatsappNumbers/:instanceName', ...guarded(whatsappNumbersBody), async (ctx: AppContext) => {
    const { numbers } = ctx.request.body as WhatsappNumbersBody;
    ctx.body = await supervisor.command(instanceOf(ctx), { kind: 'check-numbers', numbers: [...numbers] });
  });

  router.post('/markMessageAsRead/:instanceName', ...guarded(markAsReadBody), async (ctx: AppContext) => {
    const { readMessages } = ctx.request.body as MarkAsReadBody;
    await supervisor.command(instanceOf(ctx), { kind: 'mark-read', keys: readMessages.map(keyOf) });
    ctx.status = 201;
    ctx.body = { message: 'Read messages', read: 'success' };
  });

  router.delete('/deleteMessageForEveryone/:instanceName', ...guarded(deleteForEveryoneBody), async (ctx: AppContext) => {
    const key = keyOf(ctx.request.body as DeleteForEveryoneBody);
    respondJson(ctx, await supervisor.command(instanceOf(ctx), { kind: 'delete-for-everyone', key }), 201);
  });

  router.post('/fetchProfilePictureUrl/:instanceName', ...guarded(profilePictureBody), async (ctx: AppContext) => {
    const { number } = ctx.request.body as ProfilePictureBody;
    ctx.body = await supervisor.command(instanceOf(ctx), { kind: 'profile-picture', number });
  });

  router.post('/updateMessage/:instanceName', ...guarded(updateMessageBody), async (ctx: AppContext) => {
    const body = ctx.request.body as UpdateMessageBody;
    respondJson(ctx, await supervisor.command(instanceOf(ctx), { kind: 'edit-message', key: keyOf(body.key), text: body.text }), 200);
  });

  router.post('/findMessages/:instanceName', ...guarded(findMessagesBody), async (ctx: AppContext) => {
    const instance = instanceOf(ctx);
    const body = ctx.request.body as FindMessagesBody;
    const where = body.where ?? {};
    const { page, pageSize } = messagePaging(body);
    const found = await repos.messages.page(
      instance.id,
      {
        id: where.key?.id ?? where.id,
        remoteJid: where.key?.remoteJid ? normalizeJid(where.key.remoteJid) : undefined,
        fromMe: where.key?.fromMe,
        messageType: where.messageType,
        timestampGte: seconds(where.messageTimestamp?.gte, 'gte'),
        timestampLte: seconds(where.messageTimestamp?.lte, 'lte'),
      },
      page,
      pageSize,
    );
    ctx.body = { messages: { ...found, records: found.records.map(({ id, ...record }) => ({ id: String(id), ...record })) } };
  });

  router.post('/findContacts/:instanceName', ...guarded(findContactsBody), async (ctx: AppContext) => {
    const instance = instanceOf(ctx);
    const where = (ctx.request.body as FindContactsBody).where ?? {};
    const contacts = await repos.contacts.list(instance.id, { remoteJid: where.remoteJid ?? where.id, pushName: where.pushName });
    ctx.body = contacts.map(contactView(instance.id));
  });

  router.post('/findChats/:instanceName', ...guarded(findChatsBody), async (ctx: AppContext) => {
    const instance = instanceOf(ctx);
    const where = (ctx.request.body as FindChatsBody).where ?? {};
    const chats = await repos.chats.list(instance.id, { remoteJid: where.remoteJid });
    ctx.body = chats.map(chatView(instance.id));
  });

  return router;
}
