import Router from '@koa/router';
import { UPDATE_DONE, updatedAnswer } from '../../schemas/answer-parts.js';
import { instanceParams } from '../../schemas/common.js';
import {
  businessProfileAnswer,
  businessView,
  notBusinessView,
  privacySettingsAnswer,
  privacyUpdatedAnswer,
  profileAnswer,
  profileView,
} from '../../schemas/profile-answers.js';
import {
  privacySettingsBody,
  profileNameBody,
  profileNumberBody,
  profilePictureUpdateBody,
  profileStatusBody,
} from '../../schemas/profile.js';
import type { Instance } from '../../db/instances.js';
import { instanceOf } from '../auth.js';
import { badRequest } from '../errors.js';
import type { RouteDeps } from '../route-deps.js';
import { validate } from '../validate.js';

/** The instance's own number, or a 400 while it has none (never connected). */
function ownNumber(instance: Instance): string {
  if (!instance.ownerJid) throw badRequest('The instance has no WhatsApp account yet');
  return instance.ownerJid.split('@')[0].split(':')[0];
}

/** The profile routes of Evolution API v2, placed under /chat as Evolution places them. */
export function profileRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/chat' });
  const { auth, repos, supervisor } = deps;

  router.post(
    '/fetchProfile/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: profileNumberBody, answer: profileAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const own = body.number === undefined;
      const found = await supervisor.command(instance, { kind: 'profile-lookup', number: body.number ?? ownNumber(instance) });
      if (!found.exists) throw badRequest(`The number ${found.wuid.split('@')[0]} is not on WhatsApp`);
      // Evolution answers its own account from the instance record, with the connection state as status.
      if (own) {
        ctx.body = profileView(found, instance.profileName, { picture: instance.profilePicUrl, status: instance.connectionStatus });
        return;
      }
      const [contact] = await repos.contacts.list(instance.id, { remoteJid: found.wuid });
      ctx.body = profileView(found, contact?.pushName ?? null);
    }),
  );

  router.post(
    '/fetchBusinessProfile/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: profileNumberBody, answer: businessProfileAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const number = body.number ?? ownNumber(instance);
      const profile = await supervisor.command(instance, { kind: 'business-profile', number });
      if (profile) {
        ctx.body = businessView(profile);
        return;
      }
      const [check] = await supervisor.command(instance, { kind: 'check-numbers', numbers: [number] });
      ctx.body = notBusinessView(check);
    }),
  );

  router.get(
    '/fetchPrivacySettings/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, answer: privacySettingsAnswer }, async (ctx) => {
      ctx.body = await supervisor.command(instanceOf(ctx), { kind: 'privacy-fetch' });
    }),
  );

  router.post(
    '/updatePrivacySettings/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: privacySettingsBody, status: 201, answer: privacyUpdatedAnswer }, async (ctx, { body }) => {
      const { readreceipts, profile, status, online, last, groupadd } = body;
      const settings = { readreceipts, profile, status, online, last, groupadd };
      await supervisor.command(instanceOf(ctx), { kind: 'privacy-update', settings });
      ctx.body = { ...UPDATE_DONE, data: settings };
    }),
  );

  router.post(
    '/updateProfileName/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: profileNameBody, answer: updatedAnswer }, async (ctx, { body }) => {
      await supervisor.command(instanceOf(ctx), { kind: 'profile-name', name: body.name });
      ctx.body = UPDATE_DONE;
    }),
  );

  router.post(
    '/updateProfileStatus/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: profileStatusBody, answer: updatedAnswer }, async (ctx, { body }) => {
      await supervisor.command(instanceOf(ctx), { kind: 'profile-status', status: body.status });
      ctx.body = UPDATE_DONE;
    }),
  );

  router.post(
    '/updateProfilePicture/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: profilePictureUpdateBody, answer: updatedAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const prepared = await deps.prepareMedia({
        media: body.picture,
        maxBytes: deps.config.media.maxBytes,
        timeoutMs: deps.config.media.downloadTimeoutMs,
      });
      if (!prepared.ok) throw badRequest(`"picture" must be an http(s) URL or base64 of an image: ${prepared.error}`);
      if (!prepared.mimetype.startsWith('image/')) throw badRequest('"picture" must be an image');
      await supervisor.command(instance, { kind: 'profile-picture-update', image: prepared.data });
      ctx.body = UPDATE_DONE;
    }),
  );

  router.delete(
    '/removeProfilePicture/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, answer: updatedAnswer }, async (ctx) => {
      await supervisor.command(instanceOf(ctx), { kind: 'profile-picture-remove' });
      ctx.body = UPDATE_DONE;
    }),
  );

  return router;
}
