import Router from '@koa/router';
import { UPDATE_DONE } from '../../schemas/answer-parts.js';
import {
  acceptInviteAnswer,
  ephemeralAnswer,
  groupInfoAnswer,
  groupListAnswer,
  groupMetadataAnswer,
  groupParticipantsAnswer,
  groupUpdatedAnswer,
  inviteCodeAnswer,
  leaveGroupAnswer,
  participantUpdateAnswer,
  revokeInviteAnswer,
  sendInviteAnswer,
  settingUpdatedAnswer,
} from '../../schemas/group-answers.js';
import type { Instance } from '../../db/instances.js';
import type { GroupParticipant } from '../../groups/types.js';
import { instanceParams } from '../../schemas/common.js';
import {
  createGroupBody,
  fetchAllGroupsQuery,
  groupDescriptionBody,
  groupJidQuery,
  groupPictureBody,
  groupSubjectBody,
  inviteCodeQuery,
  sendInviteBody,
  toggleEphemeralBody,
  updateParticipantsBody,
  updateSettingBody,
} from '../../schemas/group.js';
import { instanceOf } from '../auth.js';
import { badRequest } from '../errors.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

const INVITE_URL = 'https://chat.whatsapp.com/';

/**
 * The group a request names: `groupJid` from the body, else from the query
 * (Evolution reads both), "@g.us" added to a bare id. Anything but a group's
 * jid is a 400.
 */
export function groupJidOf(query: { groupJid?: string } | undefined, body?: { groupJid?: string }): string {
  const given = (body?.groupJid ?? query?.groupJid)?.trim();
  if (!given) throw badRequest('The group id needs to be informed in the query (ex: "groupJid=120363000000000000@g.us")');
  const jid = given.includes('@') ? given : `${given}@g.us`;
  if (!/^[\d-]+@g\.us$/.test(jid)) throw badRequest(`groupJid "${given.slice(0, 128)}" is not a group (…@g.us)`);
  return jid;
}

/** The group routes of Evolution API v2. */
export function groupRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/group' });
  const { auth, supervisor } = deps;

  router.post(
    '/create/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: createGroupBody, status: 201, answer: groupMetadataAnswer }, async (ctx, { body }) => {
      const { subject, participants, description, promoteParticipants } = body;
      ctx.body = await supervisor.command(instanceOf(ctx), { kind: 'group-create', subject, participants: [...participants], description, promoteParticipants });
    }),
  );

  router.post(
    '/updateGroupSubject/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: groupJidQuery, body: groupSubjectBody, status: 201, answer: groupUpdatedAnswer }, async (ctx, { query, body }) => {
      await supervisor.command(instanceOf(ctx), { kind: 'group-subject', groupJid: groupJidOf(query, body), subject: body.subject });
      ctx.body = UPDATE_DONE;
    }),
  );

  router.post(
    '/updateGroupPicture/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: groupJidQuery, body: groupPictureBody, status: 201, answer: groupUpdatedAnswer }, async (ctx, { query, body }) => {
      const groupJid = groupJidOf(query, body);
      const prepared = await deps.prepareMedia({ media: body.image, maxBytes: deps.config.media.maxBytes, timeoutMs: deps.config.media.downloadTimeoutMs });
      if (!prepared.ok) throw badRequest(`"image" must be an http(s) URL or base64 of an image: ${prepared.error}`);
      if (!prepared.mimetype.startsWith('image/')) throw badRequest('"image" must be an image');
      await supervisor.command(instanceOf(ctx), { kind: 'group-picture', groupJid, image: prepared.data });
      ctx.body = UPDATE_DONE;
    }),
  );

  router.post(
    '/updateGroupDescription/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: groupJidQuery, body: groupDescriptionBody, status: 201, answer: groupUpdatedAnswer }, async (ctx, { query, body }) => {
      await supervisor.command(instanceOf(ctx), { kind: 'group-description', groupJid: groupJidOf(query, body), description: body.description });
      ctx.body = UPDATE_DONE;
    }),
  );

  router.get(
    '/findGroupInfos/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: groupJidQuery, answer: groupInfoAnswer }, async (ctx, { query }) => {
      ctx.body = await supervisor.command(instanceOf(ctx), { kind: 'group-info', groupJid: groupJidOf(query) });
    }),
  );

  router.get(
    '/fetchAllGroups/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: fetchAllGroupsQuery, answer: groupListAnswer }, async (ctx, { query }) => {
      ctx.body = await supervisor.command(instanceOf(ctx), { kind: 'group-fetch-all', participants: query.getParticipants === 'true' });
    }),
  );

  router.get(
    '/participants/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: groupJidQuery, answer: groupParticipantsAnswer }, async (ctx, { query }) => {
      const instance = instanceOf(ctx);
      const participants = await supervisor.command(instance, { kind: 'group-participants', groupJid: groupJidOf(query) });
      ctx.body = { participants: await withContacts(deps, instance, participants) };
    }),
  );

  router.get(
    '/inviteCode/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: groupJidQuery, answer: inviteCodeAnswer }, async (ctx, { query }) => {
      const { code } = await supervisor.command(instanceOf(ctx), { kind: 'group-invite-code', groupJid: groupJidOf(query) });
      ctx.body = { inviteUrl: `${INVITE_URL}${code}`, inviteCode: code };
    }),
  );

  router.get(
    '/inviteInfo/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: inviteCodeQuery, answer: groupMetadataAnswer }, async (ctx, { query }) => {
      ctx.body = await supervisor.command(instanceOf(ctx), { kind: 'group-invite-info', code: query.inviteCode });
    }),
  );

  // A GET that joins, as Evolution has it.
  router.get(
    '/acceptInviteCode/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: inviteCodeQuery, answer: acceptInviteAnswer }, async (ctx, { query }) => {
      const { groupJid } = await supervisor.command(instanceOf(ctx), { kind: 'group-accept-invite', code: query.inviteCode });
      ctx.body = { accepted: true, groupJid };
    }),
  );

  router.post(
    '/sendInvite/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: sendInviteBody, answer: sendInviteAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const { code } = await supervisor.command(instance, { kind: 'group-invite-code', groupJid: groupJidOf(undefined, body) });
      const inviteUrl = `${INVITE_URL}${code}`;
      // Evolution sends the link as a text: the description, a blank line, the link.
      const text = `${body.description}\n\n${inviteUrl}`;
      for (const number of body.numbers) {
        await supervisor.command(instance, { kind: 'send', request: { number, content: { type: 'text', text }, options: {} } });
      }
      ctx.body = { send: true, inviteUrl };
    }),
  );

  router.post(
    '/revokeInviteCode/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: groupJidQuery, body: groupJidQuery, status: 201, answer: revokeInviteAnswer }, async (ctx, { query, body }) => {
      const { code } = await supervisor.command(instanceOf(ctx), { kind: 'group-revoke-invite', groupJid: groupJidOf(query, body) });
      ctx.body = { revoked: true, inviteCode: code };
    }),
  );

  router.post(
    '/updateParticipant/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: groupJidQuery, body: updateParticipantsBody, status: 201, answer: participantUpdateAnswer }, async (ctx, { query, body }) => {
      const updateParticipants = await supervisor.command(instanceOf(ctx), {
        kind: 'group-update-participants',
        groupJid: groupJidOf(query, body),
        action: body.action,
        participants: [...body.participants],
      });
      ctx.body = { updateParticipants };
    }),
  );

  router.post(
    '/updateSetting/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: groupJidQuery, body: updateSettingBody, status: 201, answer: settingUpdatedAnswer }, async (ctx, { query, body }) => {
      await supervisor.command(instanceOf(ctx), { kind: 'group-setting', groupJid: groupJidOf(query, body), action: body.action });
      // Evolution answers `{ updateSetting: <what Baileys returned> }`, which is nothing: `{}`.
      ctx.body = {};
    }),
  );

  router.post(
    '/toggleEphemeral/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: groupJidQuery, body: toggleEphemeralBody, status: 201, answer: ephemeralAnswer }, async (ctx, { query, body }) => {
      await supervisor.command(instanceOf(ctx), { kind: 'group-ephemeral', groupJid: groupJidOf(query, body), expiration: body.expiration });
      ctx.body = { success: true };
    }),
  );

  router.delete(
    '/leaveGroup/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, query: groupJidQuery, body: groupJidQuery, answer: leaveGroupAnswer }, async (ctx, { query, body }) => {
      const groupJid = groupJidOf(query, body);
      await supervisor.command(instanceOf(ctx), { kind: 'group-leave', groupJid });
      ctx.body = { groupJid, leave: true };
    }),
  );

  return router;
}

/** Evolution's participants with the name and picture the instance's contacts hold for them. */
async function withContacts(deps: RouteDeps, instance: Instance, participants: GroupParticipant[]) {
  return Promise.all(
    participants.map(async (participant) => {
      const [contact] = await deps.repos.contacts.list(instance.id, { remoteJid: participant.id });
      return { ...participant, name: contact?.pushName ?? undefined, imgUrl: contact?.profilePicUrl ?? undefined };
    }),
  );
}
