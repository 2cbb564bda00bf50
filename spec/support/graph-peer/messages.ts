// POST /{phone-number-id}/messages: what the Cloud API checks before it accepts a send.
import {
  invalidParameter,
  invalidValue,
  missingParameter,
  parameterRequired,
  refusal,
  templateFormatMismatch,
  templateMissing,
  templateParameterCount,
  type GraphReply,
} from './errors.js';
import { MESSAGE_KINDS, violation, type MessageKind } from './request-validation.js';
import { isObject, type Json } from './request.js';
import type { GraphState, PhoneNumber, Template } from './state.js';

/** A send the peer found acceptable: the recipient's wa_id and the kind. */
export interface AcceptedSend { kind: MessageKind; waId: string }
/** A read receipt (status "read") for a message the number received. */
export interface ReadReceipt { messageId: string }

/** Graph checks messaging_product before anything else, with its own (#100) words. */
function productError(body: Json): GraphReply | null {
  if (body.messaging_product === undefined) return parameterRequired('The parameter messaging_product is required.');
  if (body.messaging_product !== 'whatsapp') return invalidParameter(`Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product)}".`);
  return null;
}

export function checkReadReceipt(state: GraphState, phone: PhoneNumber, body: Json): GraphReply | ReadReceipt {
  const product = productError(body);
  if (product) return product;
  const found = violation('mark_read', body);
  if (found) return refusal(found);
  const messageId = String(body.message_id);
  if (!state.received.get(phone.id)?.has(messageId)) return invalidParameter('Invalid parameter', `Message ${messageId} was not received by this phone number.`);
  return { messageId };
}

/** Digits of a phone number written with the usual separators, or null if it is not one. */
export function waIdOf(to: string): string | null {
  const digits = to.replace(/[\s\-().+]/g, '');
  return /^\d{5,15}$/.test(digits) ? digits : null;
}

/** The media object a send refers to by id, with its parameter path: the message's own, or an interactive header's. */
function mediaObjectOf(kind: MessageKind, body: Json): [path: string, object: unknown] {
  if (kind !== 'interactive') return [kind, body[kind]];
  const header = (body.interactive as Json).header;
  if (!isObject(header) || typeof header.type !== 'string') return [kind, undefined];
  return [`interactive['header']['${header.type}']`, header[header.type]];
}

function mediaIdError(state: GraphState, kind: MessageKind, body: Json): GraphReply | null {
  const [path, object] = mediaObjectOf(kind, body);
  if (!isObject(object) || typeof object.id !== 'string') return null;
  if (state.media.has(object.id)) return null;
  return invalidValue(`Param ${path}['id'] is not a valid media id: no media ${object.id} was uploaded.`);
}

/** Template components carry their types in either case: Meta reads them case-insensitively. */
function lowerComponentTypes(body: Json): Json {
  const template = body.template;
  if (!isObject(template) || !Array.isArray(template.components)) return body;
  const components = template.components.map((c: unknown) => {
    if (!isObject(c)) return c;
    const lowered: Json = { ...c };
    if (typeof c.type === 'string') lowered.type = c.type.toLowerCase();
    if (typeof c.sub_type === 'string') lowered.sub_type = c.sub_type.toLowerCase();
    return lowered;
  });
  return { ...body, template: { ...template, components } };
}

/** The number of {{n}} / {{name}} placeholders a template component's text holds. */
const placeholders = (text: unknown) => (typeof text === 'string' ? new Set(text.match(/\{\{\s*[\w.]+\s*\}\}/g) ?? []).size : 0);

function templateComponent(template: Template, type: string): Json | undefined {
  return template.components.find((c) => String(c.type).toUpperCase() === type) as Json | undefined;
}

function sentComponents(body: Json): Json[] {
  return ((body.template as Json).components ?? []) as Json[];
}

function parametersFor(body: Json, type: string): unknown[] {
  const component = sentComponents(body).find((c) => c.type === type);
  return Array.isArray(component?.parameters) ? component.parameters : [];
}

const MEDIA_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'];

/** A text header or the body: as many parameters as placeholders (132000 otherwise). */
function textParameterError(template: Template, body: Json, type: 'HEADER' | 'BODY'): GraphReply | null {
  const component = templateComponent(template, type);
  if (component && MEDIA_FORMATS.includes(String(component.format))) return null;
  const expected = component ? placeholders(component.text) : 0;
  const given = parametersFor(body, type.toLowerCase()).length;
  if (given === expected) return null;
  return templateParameterCount(`${type.toLowerCase()}: number of localizable_params (${given}) does not match the expected number of params (${expected})`);
}

/** A media header needs its image, video, document or location as the header's parameter (132012). */
function headerFormatError(template: Template, body: Json): GraphReply | null {
  const format = String(templateComponent(template, 'HEADER')?.format ?? '');
  if (!MEDIA_FORMATS.includes(format)) return null;
  const [parameter] = parametersFor(body, 'header') as Json[];
  const received = isObject(parameter) && typeof parameter.type === 'string' ? parameter.type.toUpperCase() : 'UNKNOWN';
  return received === format ? null : templateFormatMismatch(`header: Format mismatch, expected ${format}, received ${received}`);
}

/** A URL button whose URL holds a placeholder needs its `button` component (sub_type url, its index) with a parameter. */
function buttonParameterError(template: Template, body: Json): GraphReply | null {
  const buttons = (templateComponent(template, 'BUTTONS')?.buttons ?? []) as Json[];
  for (const [index, button] of buttons.entries()) {
    if (String(button.type).toUpperCase() !== 'URL' || placeholders(button.url) === 0) continue;
    const sent = sentComponents(body).find((c) => c.type === 'button' && c.sub_type === 'url' && Number(c.index) === index);
    if (!sent || !Array.isArray(sent.parameters) || sent.parameters.length === 0) return missingParameter(`buttons: Button at index ${index} of type Url requires a parameter`);
  }
  return null;
}

function templateError(state: GraphState, phone: PhoneNumber, body: Json): GraphReply | null {
  const sent = body.template as Json;
  const name = String(sent.name);
  const language = String((sent.language as Json).code);
  const template = state.template(phone.wabaId, name, language);
  if (!template || template.status !== 'APPROVED') return templateMissing(`template name (${name}) does not exist in ${language}`);
  return textParameterError(template, body, 'HEADER') ?? headerFormatError(template, body) ?? textParameterError(template, body, 'BODY') ?? buttonParameterError(template, body);
}

/** The send's refusal as Meta words it, or what the peer accepts. */
export function checkSend(state: GraphState, phone: PhoneNumber, raw: Json): GraphReply | AcceptedSend {
  const product = productError(raw);
  if (product) return product;
  const kind = (raw.type ?? 'text') as MessageKind;
  if (!MESSAGE_KINDS.includes(kind)) return invalidParameter(`Param type must be one of {${MESSAGE_KINDS.join(', ').toUpperCase()}} - got "${String(raw.type)}".`);
  const body = lowerComponentTypes(raw);
  const found = violation(`message:${kind}`, body);
  if (found) return refusal(found);
  const waId = body.recipient_type === 'group' ? String(body.to) : waIdOf(String(body.to));
  if (waId === null) return invalidValue(`Param to is not a valid WhatsApp phone number: "${String(body.to)}".`);
  const mediaError = mediaIdError(state, kind, body);
  if (mediaError) return mediaError;
  if (kind === 'template') {
    const problem = templateError(state, phone, body);
    if (problem) return problem;
  }
  return { kind, waId };
}
