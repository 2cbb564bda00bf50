import type { Knex } from 'knex';
import { nowIso, strOrNull, type Row } from './rows.js';

export interface Contact {
  remoteJid: string;
  pushName: string | null;
  profilePicUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export type ContactPatch = Pick<Contact, 'remoteJid'> & Partial<Pick<Contact, 'pushName' | 'profilePicUrl'>>;

function fromRow(r: Row): Contact {
  return {
    remoteJid: String(r.remote_jid),
    pushName: strOrNull(r.push_name),
    profilePicUrl: strOrNull(r.profile_pic_url),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

export class ContactRepository {
  constructor(private readonly db: Knex) {}

  /** Creates or updates; fields not given keep their value. */
  async upsert(instanceId: string, contacts: ContactPatch[]): Promise<void> {
    const now = nowIso();
    for (const contact of contacts) {
      const changes: Row = { updated_at: now };
      if (contact.pushName !== undefined) changes.push_name = contact.pushName;
      if (contact.profilePicUrl !== undefined) changes.profile_pic_url = contact.profilePicUrl;
      await this.db('contacts')
        .insert({ instance_id: instanceId, remote_jid: contact.remoteJid, push_name: null, profile_pic_url: null, created_at: now, ...changes })
        .onConflict(['instance_id', 'remote_jid'])
        .merge(changes);
    }
  }

  async list(instanceId: string, filter: { remoteJid?: string; pushName?: string }): Promise<Contact[]> {
    const query = this.db('contacts').where({ instance_id: instanceId }).orderBy('remote_jid');
    if (filter.remoteJid) query.andWhere({ remote_jid: filter.remoteJid });
    // Case-insensitive on both databases (SQLite's LIKE already is, PostgreSQL's is not).
    if (filter.pushName) query.whereILike('push_name', `%${filter.pushName}%`);
    return ((await query) as Row[]).map(fromRow);
  }
}
