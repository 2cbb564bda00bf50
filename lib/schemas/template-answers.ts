import type { FromSchema } from 'json-schema-to-ts';
import type { TemplateRecord } from '../cloud/types.js';
import type { CommandResults } from '../supervisor/protocol.js';
import type { Plain, Satisfies } from './answer-check.js';
import { timestamps } from './answer-parts.js';

// The answers of /template in Evolution's shapes, for the API description; the
// checks keep the worker's results and these schemas in step.

/** create: the template as stored, with what Meta answered. */
export const templateAnswer = {
  type: 'object',
  required: ['id', 'templateId', 'name', 'template', 'webhookUrl', 'instanceId', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    templateId: { type: 'string', description: "Meta's id of the template." },
    name: { type: 'string' },
    template: { type: 'object', description: 'What Meta answered the creation with.' },
    webhookUrl: { type: ['string', 'null'] },
    instanceId: { type: 'string' },
    ...timestamps,
  },
} as const;

/** find: Meta's template objects, as its message_templates listing gives them. */
export const templateListAnswer = { type: 'array', items: { type: 'object' } } as const;

export type TemplateAnswer = Satisfies<Plain<TemplateRecord>, FromSchema<typeof templateAnswer>>;
export type TemplateListAnswer = Satisfies<CommandResults['template-find'], FromSchema<typeof templateListAnswer>>;
