import type { Knex } from 'knex';
import { nowIso, strOrNull, type Row } from './rows.js';

/** A label of the account, as WhatsApp's labels.edit describes it. */
export interface Label {
  labelId: string;
  name: string;
  color: string;
  predefinedId: string | null;
}

function fromRow(r: Row): Label {
  return { labelId: String(r.label_id), name: String(r.name), color: String(r.color), predefinedId: strOrNull(r.predefined_id) };
}

export class LabelRepository {
  constructor(private readonly db: Knex) {}

  async upsert(instanceId: string, labels: Label[]): Promise<void> {
    const now = nowIso();
    for (const label of labels) {
      const changes: Row = { name: label.name, color: label.color, predefined_id: label.predefinedId, updated_at: now };
      await this.db('labels')
        .insert({ instance_id: instanceId, label_id: label.labelId, created_at: now, ...changes })
        .onConflict(['instance_id', 'label_id'])
        .merge(changes);
    }
  }

  async remove(instanceId: string, labelIds: string[]): Promise<void> {
    await this.db('labels').where({ instance_id: instanceId }).whereIn('label_id', labelIds).delete();
  }

  async list(instanceId: string): Promise<Label[]> {
    const rows = (await this.db('labels').where({ instance_id: instanceId }).orderBy('label_id')) as Row[];
    return rows.map(fromRow);
  }
}
