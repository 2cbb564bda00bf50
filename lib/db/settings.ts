import type { Knex } from 'knex';
import { InstanceConfigTable } from './instance-config-table.js';
import { bool, str, type Row } from './rows.js';

export interface Settings {
  rejectCall: boolean;
  msgCall: string;
  groupsIgnore: boolean;
  alwaysOnline: boolean;
  readMessages: boolean;
  readStatus: boolean;
  syncFullHistory: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  rejectCall: false,
  msgCall: '',
  groupsIgnore: false,
  alwaysOnline: false,
  readMessages: false,
  readStatus: false,
  syncFullHistory: false,
};

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

/** The settings after a partial update: fields not given keep their value. */
export function mergeSettings(current: Settings, patch: Partial<Settings>): Settings {
  const merged = { ...current };
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    if (patch[key] !== undefined) (merged as Record<keyof Settings, unknown>)[key] = patch[key];
  }
  return merged;
}
