import Router from '@koa/router';
import type { Instance } from '../../db/instances.js';
import { normalizeJid } from '../../messages/jid.js';
import { instanceParams } from '../../schemas/common.js';
import { archiveChatBody, handleLabelBody, markChatUnreadBody, type ArchiveChatBody } from '../../schemas/app-state.js';
import { archiveAnswer, archivedView, markedUnreadView, markUnreadAnswer } from '../../schemas/chat-answers.js';
import { labelHandledAnswer, labelHandledView, labelListAnswer, labelView } from '../../schemas/label-answers.js';
import type { LastMessage } from '../../supervisor/protocol.js';
import { instanceOf } from '../auth.js';
import { badRequest, notFound } from '../errors.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

/**
 * The chat a request names and the message its mark is anchored to: the
 * given `lastMessage` (its chat is the key's), else the newest stored message
 * of `chat`, as Evolution does.
 */
async function anchorOf(
  deps: RouteDeps,
  instance: Instance,
  body: Pick<ArchiveChatBody, 'lastMessage' | 'chat'>,
): Promise<{ chatId: string; jid: string; lastMessage: LastMessage }> {
  if (body.lastMessage) {
    const { key, messageTimestamp } = body.lastMessage;
    const jid = normalizeJid(key.remoteJid);
    const lastMessage = {
      key: { id: key.id, remoteJid: jid, fromMe: key.fromMe, ...(key.participant ? { participant: key.participant } : {}) },
      messageTimestamp: messageTimestamp ?? Math.floor(Date.now() / 1000),
    };
    return { chatId: key.remoteJid, jid, lastMessage };
  }
  if (!body.chat) throw badRequest('"lastMessage" or "chat" is required');
  const jid = normalizeJid(body.chat);
  const { records } = await deps.repos.messages.page(instance.id, { remoteJid: jid }, 1, 1);
  const last = records[0];
  if (!last) throw notFound('Last message not found');
  const messageTimestamp = Number(last.messageTimestamp) || Math.floor(Date.now() / 1000);
  const key = { id: last.key.id, remoteJid: jid, fromMe: Boolean(last.key.fromMe), ...(last.key.participant ? { participant: last.key.participant } : {}) };
  return { chatId: body.chat, jid, lastMessage: { key, messageTimestamp } };
}

/** Archive and unread marks (under /chat, as Evolution places them) and labels (/label). */
export function appStateRoutes(deps: RouteDeps): Router[] {
  const chat = new Router({ prefix: '/chat' });
  const label = new Router({ prefix: '/label' });
  const { auth, repos, supervisor } = deps;

  chat.post(
    '/archiveChat/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: archiveChatBody, status: 201, answer: archiveAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const { chatId, jid, lastMessage } = await anchorOf(deps, instance, body);
      await supervisor.command(instance, { kind: 'chat-archive', jid, lastMessage, archive: body.archive });
      // Evolution answers `archived: true` for a done request, an unarchive included.
      ctx.body = archivedView(chatId);
    }),
  );

  chat.post(
    '/markChatUnread/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: markChatUnreadBody, status: 201, answer: markUnreadAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const { chatId, jid, lastMessage } = await anchorOf(deps, instance, body);
      await supervisor.command(instance, { kind: 'chat-unread', jid, lastMessage });
      ctx.body = markedUnreadView(chatId);
    }),
  );

  label.get(
    '/findLabels/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, answer: labelListAnswer }, async (ctx) => {
      const labels = await repos.labels.list(instanceOf(ctx).id);
      ctx.body = labels.map(labelView);
    }),
  );

  label.post(
    '/handleLabel/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: handleLabelBody, answer: labelHandledAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const [check] = await supervisor.command(instance, { kind: 'check-numbers', numbers: [body.number] });
      if (!check?.exists) throw notFound('Number is not on WhatsApp');
      await supervisor.command(instance, { kind: 'chat-label', jid: check.jid, labelId: body.labelId, action: body.action });
      ctx.body = labelHandledView(check.jid, body.labelId, body.action);
    }),
  );

  return [chat, label];
}
