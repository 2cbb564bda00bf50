import type { FromSchema } from 'json-schema-to-ts';
import { TEMPLATE_CATEGORIES } from '../cloud/types.js';
import { recipientNumber } from './common.js';
import { messageKey } from './message.js';

// Meta's template names: lower-case letters, digits and underscores, 512 at most.
const templateName = { type: 'string', minLength: 1, maxLength: 512 } as const;
// Language codes as Meta lists them: en, en_US, pt_BR, zh_CN...
const language = { type: 'string', pattern: '^[a-z]{2,3}(_[A-Za-z]{2,4})?$', maxLength: 16, 'x-rule': 'must be a language code such as en_US' } as const;
const webhookUrl = { type: 'string', maxLength: 2048, pattern: '^https?://', 'x-rule': 'must be an http(s) URL' } as const;
// Components are Meta's own shape (header, body, footer, buttons, parameters): passed on as given, Meta checks them.
const components = { type: 'array', items: { type: 'object' }, maxItems: 64 } as const;

/** POST /template/create, as Evolution takes it. */
export const createTemplateBody = {
  type: 'object',
  required: ['name', 'category', 'language', 'components'],
  properties: {
    name: templateName,
    category: { type: 'string', enum: TEMPLATE_CATEGORIES },
    allowCategoryChange: { type: 'boolean' },
    language,
    components: { ...components, minItems: 1 },
    webhookUrl,
  },
} as const;

/** POST /message/sendTemplate, as Evolution takes it. */
export const sendTemplateBody = {
  type: 'object',
  required: ['number', 'name'],
  properties: {
    number: recipientNumber,
    name: templateName,
    language,
    components,
    webhookUrl,
    quoted: {
      type: 'object',
      required: ['key'],
      properties: { key: { ...messageKey, required: ['id'] }, message: { type: 'object' } },
    },
  },
} as const;

export type CreateTemplateBody = FromSchema<typeof createTemplateBody>;
export type SendTemplateBody = FromSchema<typeof sendTemplateBody>;
