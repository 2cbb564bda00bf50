import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { TemplateRecord } from '../cloud/types.js';
import { jsonOr, nowIso, strOrNull, type Row } from './rows.js';

function fromRow(r: Row): TemplateRecord {
  return {
    id: String(r.id),
    templateId: String(r.template_id),
    name: String(r.name),
    template: jsonOr<Record<string, unknown>>(r.template, {}),
    webhookUrl: strOrNull(r.webhook_url),
    instanceId: String(r.instance_id),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

/** Templates created through the API (Evolution's Template table). */
export class TemplateRepository {
  constructor(private readonly db: Knex) {}

  async insert(instanceId: string, fields: Pick<TemplateRecord, 'templateId' | 'name' | 'template' | 'webhookUrl'>): Promise<TemplateRecord> {
    const now = nowIso();
    const row: Row = {
      id: randomUUID(),
      instance_id: instanceId,
      template_id: fields.templateId,
      name: fields.name,
      template: JSON.stringify(fields.template),
      webhook_url: fields.webhookUrl,
      created_at: now,
      updated_at: now,
    };
    await this.db('templates').insert(row);
    return fromRow(row);
  }

  async list(instanceId: string): Promise<TemplateRecord[]> {
    const rows = (await this.db('templates').where({ instance_id: instanceId }).orderBy('created_at')) as Row[];
    return rows.map(fromRow);
  }
}
