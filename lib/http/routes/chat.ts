import Router from '@koa/router';
import { messagePageAnswer } from '../../schemas/message-answers.js';
import {
  blockAnswer,
  chatListAnswer,
  chatRowAnswer,
  chatRowView,
  chatView,
  contactListAnswer,
  contactView,
  mediaBase64Answer,
  mediaBase64View,
  numberCheckListAnswer,
  presenceAnswer,
  profilePictureUrlAnswer,
  READ_DONE,
  readAnswer,
  sentMessageAnswer,
  statusUpdateListAnswer,
} from '../../schemas/chat-answers.js';
import { normalizeJid } from '../../messages/jid.js';
import { messagePaging } from '../../messages/message-paging.js';
import type { MessageKey } from '../../messages/types.js';
import { mediaOf } from '../../messages/stored-media.js';
import {
  base64FromMediaBody,
  blockStatusBody,
  deleteForEveryoneBody,
  findChatByRemoteJidQuery,
  findChatsBody,
  findContactsBody,
  findMessagesBody,
  findStatusMessageBody,
  markAsReadBody,
  profilePictureBody,
  sendPresenceBody,
  updateMessageBody,
  whatsappNumbersBody,
} from '../../schemas/chat.js';
import { instanceParams } from '../../schemas/common.js';
import { instanceOf } from '../auth.js';
import { badRequest, notFound } from '../errors.js';
import { respondJson } from '../presenters.js';
import type { RouteDeps } from '../route-deps.js';
import { readingOwnWrites } from '../../store/message-lookup.js';
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

/** The chat routes of Evolution API v2: searches read the store, actions go through the worker. */
export function chatRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/chat' });
  const { auth, repos, supervisor } = deps;

  router.post(
    '/whatsappNumbers/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: whatsappNumbersBody, answer: numberCheckListAnswer }, async (ctx, { body }) => {
      const { numbers } = body;
      ctx.body = await supervisor.command(instanceOf(ctx), { kind: 'check-numbers', numbers: [...numbers] });
    }),
  );

  router.post(
    '/markMessageAsRead/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: markAsReadBody, status: 201, answer: readAnswer }, async (ctx, { body }) => {
      const { readMessages } = body;
      await supervisor.command(instanceOf(ctx), { kind: 'mark-read', keys: readMessages.map(keyOf) });
      ctx.body = READ_DONE;
    }),
  );

  router.delete(
    '/deleteMessageForEveryone/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: deleteForEveryoneBody, status: 201, answer: sentMessageAnswer }, async (ctx, { body }) => {
      const key = keyOf(body);
      respondJson(ctx, await supervisor.command(instanceOf(ctx), { kind: 'delete-for-everyone', key }), 201);
    }),
  );

  router.post(
    '/fetchProfilePictureUrl/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: profilePictureBody, answer: profilePictureUrlAnswer }, async (ctx, { body }) => {
      const { number } = body;
      ctx.body = await supervisor.command(instanceOf(ctx), { kind: 'profile-picture', number });
    }),
  );

  router.post(
    '/updateMessage/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: updateMessageBody, answer: sentMessageAnswer }, async (ctx, { body }) => {
      respondJson(ctx, await supervisor.command(instanceOf(ctx), { kind: 'edit-message', key: keyOf(body.key), text: body.text }), 200);
    }),
  );

  router.post(
    '/findMessages/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: findMessagesBody, answer: messagePageAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
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
    }),
  );

  router.post(
    '/findStatusMessage/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: findStatusMessageBody, answer: statusUpdateListAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const where = body.where ?? {};
      const { page, pageSize } = messagePaging(body);
      const filter = {
        id: where._id,
        remoteJid: where.remoteJid ? normalizeJid(where.remoteJid) : undefined,
        keyId: where.id,
        fromMe: where.fromMe,
        participant: where.participant,
        status: where.status,
      };
      // Evolution answers the rows themselves, without a paging envelope.
      ctx.body = await repos.messageUpdates.list(instance.id, filter, page, pageSize);
    }),
  );

  router.get(
    '/findChatByRemoteJid/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: findChatByRemoteJidQuery, answer: chatRowAnswer }, async (ctx, { query }) => {
      const instance = instanceOf(ctx);
      const [chat] = await repos.chats.list(instance.id, { remoteJid: normalizeJid(query.remoteJid) });
      respondJson(ctx, chat ? chatRowView(instance.id)(chat) : null);
    }),
  );

  router.post(
    '/findContacts/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: findContactsBody, answer: contactListAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const where = body.where ?? {};
      const contacts = await repos.contacts.list(instance.id, { remoteJid: where.remoteJid ?? where.id, pushName: where.pushName });
      ctx.body = contacts.map(contactView(instance.id));
    }),
  );

  router.post(
    '/findChats/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: findChatsBody, answer: chatListAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const where = body.where ?? {};
      const chats = await repos.chats.list(instance.id, { remoteJid: where.remoteJid });
      ctx.body = chats.map(chatView(instance.id));
    }),
  );

  router.post(
    '/sendPresence/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: sendPresenceBody, status: 201, answer: presenceAnswer }, async (ctx, { body }) => {
      const { number, presence, delay } = body;
      // Answered once the presence has been shown for `delay` ms and paused, as Evolution does.
      const timeout = deps.config.workers.requestTimeoutMs + delay;
      respondJson(ctx, await supervisor.command(instanceOf(ctx), { kind: 'chat-presence', number, presence, delay }, timeout), 201);
    }),
  );

  router.post(
    '/updateBlockStatus/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: blockStatusBody, status: 201, answer: blockAnswer }, async (ctx, { body }) => {
      const { number, status } = body;
      respondJson(ctx, await supervisor.command(instanceOf(ctx), { kind: 'block-status', number, status }), 201);
    }),
  );

  router.post(
    '/getBase64FromMediaMessage/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: base64FromMediaBody, status: 201, answer: mediaBase64Answer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const { id, remoteJid } = body.message.key;
      const lookup = { id, remoteJid: remoteJid ? normalizeJid(remoteJid) : undefined };
      const stored = await readingOwnWrites(repos.messages, deps.store)(instance.id, lookup);
      if (!stored) throw notFound(`Message ${id} not found`);
      const media = mediaOf(stored);
      if (!media) throw badRequest('The message is not of the media type');
      const { base64 } = await supervisor.command(instance, { kind: 'download-media', key: stored.key, message: stored.message });
      // No ffmpeg here: convertToMp4 answers the audio as it was sent (see README).
      respondJson(ctx, mediaBase64View(media, base64), 201);
    }),
  );

  return router;
}
