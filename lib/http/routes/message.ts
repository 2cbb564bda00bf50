import Router from '@koa/router';
import { messageRecordAnswer } from '../../schemas/message-answers.js';
import type { MessageKey, SendContent, SendOptions, SendRequest, StatusContent } from '../../messages/types.js';
import { instanceParams } from '../../schemas/common.js';
import { buttonsProblem } from '../../messages/buttons.js';
import {
  sendAudioBody,
  sendButtonsBody,
  sendListBody,
  sendPtvBody,
  sendContactBody,
  sendLocationBody,
  sendMediaBody,
  sendPollBody,
  sendReactionBody,
  sendStatusBody,
  sendStickerBody,
  sendTextBody,
  type SendAudioBody,
  type SendButtonsBody,
  type SendListBody,
  type SendPtvBody,
  type SendContactBody,
  type SendLocationBody,
  type SendMediaBody,
  type SendOptionsBody,
  type SendPollBody,
  type SendReactionBody,
  type SendStatusBody,
  type SendStickerBody,
  type SendTextBody,
} from '../../schemas/message.js';
import { normalizeJid } from '../../messages/jid.js';
import type { TemplateSend } from '../../cloud/types.js';
import { sendTemplateBody } from '../../schemas/template.js';
import type { Repositories } from '../../db/repositories.js';
import { instanceOf } from '../auth.js';
import { badRequest } from '../errors.js';
import { respondJson } from '../presenters.js';
import { multipartUpload } from '../multipart-upload.js';
import { readingOwnWrites } from '../../store/message-lookup.js';
import { resolveQuoted } from '../quoted-message.js';
import { mayBeImage, mediaReader, type ReadMedia } from '../send-media.js';
import type { RouteDeps } from '../route-deps.js';
import { validate, type ObjectSchema } from '../validate.js';

/** Options besides `quoted`, which needs the message store (resolveQuoted). */
function optionsOf(body: SendOptionsBody): SendOptions {
  return {
    delay: body.delay,
    mentioned: body.mentioned ? [...body.mentioned] : undefined,
    mentionsEveryOne: body.mentionsEveryOne ?? body.everyOne,
    linkPreview: body.linkPreview,
  };
}

/** Longest text a status post carries, as a text message. */
const STATUS_TEXT_MAX = 65_536;

/**
 * Who sees a status post: with `allContacts`, every stored contact with a
 * name (Evolution's rule), else the numbers of `statusJidList`.
 */
async function statusAudience(repos: Repositories, instanceId: string, body: SendStatusBody): Promise<string[]> {
  if (body.allContacts) {
    const contacts = await repos.contacts.list(instanceId, {});
    if (contacts.length === 0) throw badRequest('Contacts not found');
    return contacts.filter((contact) => contact.pushName && /@(s\.whatsapp\.net|lid)$/.test(contact.remoteJid)).map((contact) => contact.remoteJid);
  }
  if (!body.statusJidList?.length) throw badRequest('StatusJidList is required');
  return [...new Set(body.statusJidList.map(normalizeJid))];
}

/** The send routes of Evolution API v2: each builds a SendRequest, the instance's worker sends it. */
export function messageRoutes(deps: RouteDeps): Router {
  const router = new Router({ prefix: '/message' });
  const { auth } = deps;
  // A quote of a message sent or received a moment ago finds it even before the store committed it.
  const findMessage = readingOwnWrites(deps.repos.messages, deps.store);

  /**
   * A send route; `mediaField` names the field a multipart `file` part fills.
   * B is the type of `schema` (FromSchema): named by each caller, because the
   * compiler cannot carry a generic schema through validate.
   */
  function route<B extends SendOptionsBody>(
    path: string,
    schema: ObjectSchema,
    build: (body: B, media: ReadMedia) => Promise<{ number: string; content: SendContent; options: SendOptions }>,
    mediaField?: string,
  ) {
    router.post(
      `/${path}/:instanceName`,
      auth.instanceAccess,
      ...(mediaField ? [multipartUpload(mediaField, deps.config.server.bodyLimit)] : []),
      validate({ params: instanceParams, body: schema, status: 201, answer: messageRecordAnswer }, async (ctx, request) => {
        const instance = instanceOf(ctx);
        const body = request.body as B;
        // Before build: an unknown quoted id is refused before any media is fetched.
        const quoted = body.number ? await resolveQuoted(findMessage, instance.id, normalizeJid(body.number), body.quoted) : undefined;
        const send: SendRequest = await build(body, mediaReader(deps, instance));
        if (quoted) send.options.quoted = quoted;
        // A send may wait for its typing delay before the upload and the send itself.
        const timeout = deps.config.workers.requestTimeoutMs + (send.options.delay ?? 0);
        ctx.body = await deps.supervisor.command(instance, { kind: 'send', request: send }, timeout);
      }),
    );
  }

  router.post(
    '/sendStatus/:instanceName',
    auth.instanceAccess,
    multipartUpload('content', deps.config.server.bodyLimit),
    validate({ params: instanceParams, body: sendStatusBody, status: 201, answer: messageRecordAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      if (body.type === 'text') {
        // Evolution refuses a text post without its background and font.
        if (!body.backgroundColor) throw badRequest('Background color is required');
        if (body.font === undefined) throw badRequest('Font is required');
        if (body.content.length > STATUS_TEXT_MAX) throw badRequest(`content must be at most ${STATUS_TEXT_MAX} characters long`);
      }
      const recipients = await statusAudience(deps.repos, instance.id, body);
      if (recipients.length === 0) throw badRequest('No contact with a name to post the status to');
      const content = await statusContent(body, mediaReader(deps, instance));
      const request = { content, recipients, backgroundColor: body.backgroundColor, font: body.font };
      respondJson(ctx, await deps.supervisor.command(instance, { kind: 'send-status', request }), 201);
    }),
  );

  async function statusContent(body: SendStatusBody, media: ReadMedia): Promise<StatusContent> {
    if (body.type === 'text') return { type: 'text', text: body.content };
    const prepared = await media(body.content);
    if (body.type === 'audio') {
      // Status voice notes play as Opus in Ogg, as sendWhatsAppAudio sends them.
      const mimetype = prepared.mimetype === 'audio/ogg' ? 'audio/ogg; codecs=opus' : prepared.mimetype;
      return { type: 'voice', ...prepared.payload, mimetype };
    }
    if (!prepared.mimetype.startsWith(`${body.type}/`)) throw badRequest(`content must be ${body.type === 'image' ? 'an image' : 'a video'}`);
    return { type: 'media', mediatype: body.type, ...prepared.payload, mimetype: prepared.mimetype, caption: body.caption };
  }

  router.post(
    '/sendTemplate/:instanceName',
    auth.instanceAccess,
    validate({ params: instanceParams, body: sendTemplateBody, status: 201, answer: messageRecordAnswer }, async (ctx, { body }) => {
      const instance = instanceOf(ctx);
      const quoted = await resolveQuoted(findMessage, instance.id, normalizeJid(body.number), body.quoted);
      const request: TemplateSend = {
        number: body.number,
        name: body.name,
        // Beyond Evolution, the language may be left out: WA_BUSINESS_LANGUAGE then names it.
        language: body.language ?? deps.config.waBusiness.language,
        components: body.components?.map((component) => ({ ...component })),
        webhookUrl: body.webhookUrl,
        ...(quoted ? { quoted } : {}),
      };
      ctx.body = await deps.supervisor.command(instance, { kind: 'send-template', request });
    }),
  );

  route<SendTextBody>('sendText', sendTextBody, async (body) => ({
    number: body.number,
    content: { type: 'text', text: body.text },
    options: optionsOf(body),
  }));

  route<SendMediaBody>('sendMedia', sendMediaBody, async (body, media) => {
    const prepared = await media(body.media, { mimetype: body.mimetype, fileName: body.fileName });
    return {
      number: body.number,
      content: {
        type: 'media',
        mediatype: body.mediatype,
        ...prepared.payload,
        mimetype: prepared.mimetype,
        fileName: prepared.fileName,
        caption: body.caption,
      },
      options: optionsOf(body),
    };
  }, 'media');

  route<SendAudioBody>('sendWhatsAppAudio', sendAudioBody, async (body, media) => {
    const prepared = await media(body.audio);
    // Voice notes play as Opus in Ogg; other audio keeps its own type.
    const mimetype = prepared.mimetype === 'audio/ogg' ? 'audio/ogg; codecs=opus' : prepared.mimetype;
    return { number: body.number, content: { type: 'voice', ...prepared.payload, mimetype }, options: optionsOf(body) };
  }, 'audio');

  route<SendStickerBody>('sendSticker', sendStickerBody, async (body, media) => {
    const prepared = await media(body.sticker, { mimetype: 'image/webp' });
    return { number: body.number, content: { type: 'sticker', ...prepared.payload, mimetype: prepared.mimetype }, options: optionsOf(body) };
  }, 'sticker');

  route<SendLocationBody>('sendLocation', sendLocationBody, async (body) => ({
    number: body.number,
    content: { type: 'location', latitude: body.latitude, longitude: body.longitude, name: body.name, address: body.address },
    options: optionsOf(body),
  }));

  route<SendContactBody>('sendContact', sendContactBody, async (body) => ({
    number: body.number,
    content: { type: 'contact', contacts: body.contact.map((contact) => ({ ...contact })) },
    options: optionsOf(body),
  }));

  route<SendReactionBody>('sendReaction', sendReactionBody, async (body) => {
    const key: MessageKey = { id: body.key.id, remoteJid: normalizeJid(body.key.remoteJid), fromMe: body.key.fromMe ?? false };
    return { number: key.remoteJid, content: { type: 'reaction', key, reaction: body.reaction }, options: {} };
  });

  route<SendPollBody>('sendPoll', sendPollBody, async (body) => ({
    number: body.number,
    content: { type: 'poll', name: body.name, selectableCount: body.selectableCount ?? 1, values: [...body.values] },
    options: optionsOf(body),
  }));

  route<SendListBody>('sendList', sendListBody, async (body) => ({
    number: body.number,
    content: {
      type: 'list',
      title: body.title,
      description: body.description,
      buttonText: body.buttonText,
      footerText: body.footerText,
      sections: body.sections.map((section) => ({ title: section.title, rows: section.rows.map((row) => ({ ...row })) })),
    },
    options: optionsOf(body),
  }));

  route<SendButtonsBody>('sendButtons', sendButtonsBody, async (body, media) => {
    const buttons = body.buttons.map((button) => ({ ...button }));
    const problem = buttonsProblem(buttons);
    if (problem) throw badRequest(problem);
    const thumbnail = body.thumbnailUrl ? await media(body.thumbnailUrl) : undefined;
    if (thumbnail && !mayBeImage(thumbnail)) throw badRequest('thumbnailUrl must be an image');
    return {
      number: body.number,
      content: {
        type: 'buttons',
        title: body.title,
        description: body.description,
        footer: body.footer,
        ...(thumbnail ? { thumbnail: { ...thumbnail.payload, mimetype: thumbnail.mimetype } } : {}),
        buttons,
      },
      options: optionsOf(body),
    };
  });

  route<SendPtvBody>('sendPtv', sendPtvBody, async (body, media) => {
    // A video note plays as MP4, whatever the source calls itself.
    const prepared = await media(body.video, { mimetype: 'video/mp4' });
    return { number: body.number, content: { type: 'ptv', ...prepared.payload, mimetype: 'video/mp4' }, options: optionsOf(body) };
  }, 'video');

  return router;
}
