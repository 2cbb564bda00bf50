import type { Knex } from 'knex';
import { InstanceConfigTable } from './instance-config-table.js';
import type { Settings } from '../instance-config/settings.js';
import { bool, str, type Row } from './rows.js';

export function settingsRepository(db: Knex): InstanceConfigTable<Settings> {
  return new InstanceConfigTable<Settings>(
    db,
    'instance_settings',
    (s) => ({
      reject_call: s.rejectCall,
      msg_call: s.msgCall,
      groups_ignore: s.groupsIgnore,
      always_online: s.alwaysOnline,
      read_messages: s.readMessages,
      read_status: s.readStatus,
      sync_full_history: s.syncFullHistory,
    }),
    (r: Row) => ({
      rejectCall: bool(r.reject_call),
      msgCall: str(r.msg_call),
      groupsIgnore: bool(r.groups_ignore),
      alwaysOnline: bool(r.always_online),
      readMessages: bool(r.read_messages),
      readStatus: bool(r.read_status),
      syncFullHistory: bool(r.sync_full_history),
    }),
  );
}
