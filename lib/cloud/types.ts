// Shapes of what only a WHATSAPP-BUSINESS instance does: Meta's message
// templates. Plain data: they cross the supervisor's command vocabulary.
import type { QuotedRef } from '../messages/types.js';

export const TEMPLATE_CATEGORIES = ['AUTHENTICATION', 'MARKETING', 'UTILITY'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** POST /template/create as Evolution takes it. */
export interface TemplateSpec {
  name: string;
  category: TemplateCategory;
  allowCategoryChange?: boolean;
  language: string;
  components: Record<string, unknown>[];
  webhookUrl?: string;
}

/** A template created through the API, as Evolution answers and keeps it. */
export interface TemplateRecord {
  id: string;
  /** Meta's id of the template. */
  templateId: string;
  name: string;
  /** What Meta answered the creation with. */
  template: Record<string, unknown>;
  webhookUrl: string | null;
  instanceId: string;
  createdAt: string;
  updatedAt: string;
}

/** POST /message/sendTemplate: an approved template, filled by its components. */
export interface TemplateSend {
  number: string;
  name: string;
  language: string;
  components?: Record<string, unknown>[];
  webhookUrl?: string;
  quoted?: QuotedRef;
}
