// POST /{phone-number-id}/messages: what the Cloud API checks before it accepts a send.
import {
  invalidParameter,
  invalidValue,
  missingParameter,
  templateMissing,
  templateParameterCount,
  type GraphReply,
} from './errors.js';
import { MESSAGE_KINDS, violation, type MessageKind, type Violation } from './request-validation.js';
import { isObject, type Json } from './request.js';
import type { GraphState, PhoneNumber, Template } from './state.js';

/** A send the peer found acceptable: the recipient's wa_id and the kind. */
export interface AcceptedSend { kind: MessageKind; waId: string }
/** A read receipt (status "read") for a message the number received. */
export interface ReadReceipt { messageId: string }

const refusal = (found: Violation): GraphReply => (found.kind === 'missing' ? missingParameter(found.details) : invalidValue(found.details));

/** Graph checks messaging_product before anything else, with its own (#100) words. */
function productError(body: Json): GraphReply | null {
  if (body.messaging_product === undefined) return invalidParameter('The parameter messaging_product is required.');
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

function mediaIdError(state: GraphState, kind: MessageKind, body: Json): GraphReply | null {
  const object = body[kind];
  if (!isObject(object) || typeof object.id !== 'string') return null;
  if (state.media.has(object.id)) return null;
  return invalidValue(`Param ${kind}['id'] is not a valid media id: no media ${object.id} was uploaded.`);
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

function parametersFor(body: Json, type: string): unknown[] {
  const components = ((body.template as Json).components ?? []) as Json[];
  const component = components.find((c) => c.type === type);
  return Array.isArray(component?.parameters) ? component.parameters : [];
}

function templateError(state: GraphState, phone: PhoneNumber, body: Json): GraphReply | null {
  const sent = body.template as Json;
  const name = String(sent.name);
  const language = String((sent.language as Json).code);
  const template = state.template(phone.wabaId, name, language);
  if (!template || template.status !== 'APPROVED') return templateMissing(`template name (${name}) does not exist in ${language}`);
  for (const [type, lower] of [['BODY', 'body'], ['HEADER', 'header']] as const) {
    const component = templateComponent(template, type);
    const expected = component && (component.format === undefined || component.format === 'TEXT') ? placeholders(component.text) : 0;
    const given = parametersFor(body, lower).length;
    if (type === 'HEADER' && component && component.format !== undefined && component.format !== 'TEXT') continue;
    if (given !== expected) return templateParameterCount(`${lower}: number of localizable_params (${given}) does not match the expected number of params (${expected})`);
  }
  return null;
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
