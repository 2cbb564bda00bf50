import type { FromSchema } from 'json-schema-to-ts';
import type { Label } from '../db/labels.js';
import type { Satisfies } from './answer-check.js';

// The answers of /label in Evolution's shapes: their schemas for the API
// description, and the views that build them, checked by the compiler.

export const labelListAnswer = {
  type: 'array',
  items: {
    type: 'object',
    required: ['color', 'name', 'id', 'predefinedId'],
    properties: {
      color: { type: 'string', description: "WhatsApp's colour number, as text." },
      name: { type: 'string' },
      id: { type: 'string' },
      predefinedId: { type: ['string', 'null'], description: "Set for WhatsApp's own labels." },
    },
  },
} as const;

export const labelHandledAnswer = {
  type: 'object',
  required: ['numberJid', 'labelId'],
  description: '`add: true` or `remove: true`, after the action done.',
  properties: {
    numberJid: { type: 'string' },
    labelId: { type: 'string' },
    add: { const: true },
    remove: { const: true },
  },
} as const;

export const labelView = (label: Label) => ({ color: label.color, name: label.name, id: label.labelId, predefinedId: label.predefinedId });

export const labelHandledView = (numberJid: string, labelId: string, action: 'add' | 'remove') =>
  action === 'add' ? { numberJid, labelId, add: true as const } : { numberJid, labelId, remove: true as const };

export type LabelListAnswer = Satisfies<ReturnType<typeof labelView>[], FromSchema<typeof labelListAnswer>>;
export type LabelHandledAnswer = Satisfies<ReturnType<typeof labelHandledView>, FromSchema<typeof labelHandledAnswer>>;
