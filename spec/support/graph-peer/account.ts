// The business's phone numbers (GET /{phone-number-id}, GET /{waba-id}/phone_numbers)
// and their business profiles (GET|POST /{phone-number-id}/whatsapp_business_profile).
import { invalidParameter, parameterRequired, type GraphReply } from './errors.js';
import { violation } from './request-validation.js';
import { isObject, ok, parseJson, type Incoming, type Json } from './request.js';
import type { GraphState, PhoneNumber } from './state.js';

const PHONE_FIELDS = ['id', 'display_phone_number', 'verified_name', 'quality_rating', 'name_status', 'code_verification_status', 'platform_type', 'throughput', 'messaging_limit_tier', 'status'];
// Without `fields`, Graph answers these (the document's "default_response" example).
const PHONE_DEFAULT_FIELDS = ['id', 'display_phone_number', 'verified_name', 'quality_rating'];
const PROFILE_FIELDS = ['about', 'address', 'description', 'email', 'profile_picture_url', 'websites', 'vertical', 'messaging_product'];

/** The `fields` a request asks for; Graph refuses a field the node type does not have. */
function fieldsOf(request: Incoming, known: string[], defaults: string[], nodeType: string): string[] | GraphReply {
  const asked = request.url.searchParams.get('fields');
  if (!asked) return defaults;
  const fields = asked.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = fields.find((f) => !known.includes(f));
  if (unknown) return invalidParameter(`Tried accessing nonexisting field (${unknown}) on node type (${nodeType})`);
  return fields;
}

function phoneView(phone: PhoneNumber, fields: string[]): Json {
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

export function showPhone(request: Incoming, phone: PhoneNumber): GraphReply {
  const fields = fieldsOf(request, PHONE_FIELDS, PHONE_DEFAULT_FIELDS, 'WhatsAppBusinessPhoneNumber');
  return Array.isArray(fields) ? ok(phoneView(phone, fields)) : fields;
}

export function listPhones(state: GraphState, wabaId: string): GraphReply {
  return ok({ data: state.phoneNumbers.filter((p) => p.wabaId === wabaId).map((p) => phoneView(p, PHONE_DEFAULT_FIELDS)) });
}

export function showProfile(request: Incoming, phone: PhoneNumber): GraphReply {
  const fields = fieldsOf(request, PROFILE_FIELDS, PROFILE_FIELDS, 'WhatsAppBusinessProfile');
  if (!Array.isArray(fields)) return fields;
  const all: Json = { ...phone.profile, messaging_product: 'whatsapp' };
  const view: Json = {};
  for (const field of fields) if (all[field] !== undefined) view[field] = all[field];
  return ok({ data: [view] });
}

export function updateProfile(request: Incoming, phone: PhoneNumber, baseUrl: string): GraphReply {
  const body = parseJson(request.raw);
  if (!isObject(body)) return invalidParameter('Invalid parameter', 'The request body is not a JSON object.');
  const found = violation('business_profile_update', body);
  if (found) return found.kind === 'missing' ? parameterRequired(found.details) : invalidParameter('Invalid parameter', found.details);
  const { messaging_product: _product, profile_picture_handle: handle, ...fields } = body;
  Object.assign(phone.profile, fields);
  // Meta turns an upload handle into a picture URL; the peer keeps no bytes behind it
  // (it does not serve the Resumable Upload API that hands out handles).
  if (typeof handle === 'string') phone.profile.profile_picture_url = `${baseUrl}/lookaside/profile/${phone.id}.jpg`;
  return ok({ success: true });
}
