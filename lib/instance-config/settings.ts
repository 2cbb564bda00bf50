// Instance settings: behaviour switches of a WhatsApp session (calls, reads, presence, history).
import type { CreateInstanceBody } from '../schemas/instance.js';
import type { SetSettingsBody } from '../schemas/settings.js';

export interface Settings {
  rejectCall: boolean;
  /** Sent to the caller when a call is rejected. */
  msgCall: string;
  groupsIgnore: boolean;
  alwaysOnline: boolean;
  readMessages: boolean;
  readStatus: boolean;
  syncFullHistory: boolean;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  rejectCall: false,
  msgCall: '',
  groupsIgnore: false,
  alwaysOnline: false,
  readMessages: false,
  readStatus: false,
  syncFullHistory: false,
});

const FIELDS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];

/** The settings after a partial update: fields not given keep their value. */
export function mergeSettings(current: Readonly<Settings>, patch: Partial<Settings>): Settings {
  const merged: Settings = { ...current };
  for (const key of FIELDS) {
    const value = patch[key];
    if (value !== undefined) (merged as Record<keyof Settings, unknown>)[key] = value;
  }
  return merged;
}

/** Create takes the settings flat beside the instance's other fields. */
export function settingsFromCreate(body: CreateInstanceBody): Settings {
  return mergeSettings(DEFAULT_SETTINGS, body);
}

export function settingsFromSet(body: SetSettingsBody, current: Readonly<Settings> | undefined): Settings {
  return mergeSettings(current ?? DEFAULT_SETTINGS, body);
}

export function settingsView(settings: Readonly<Settings>) {
  return {
    rejectCall: settings.rejectCall,
    msgCall: settings.msgCall,
    groupsIgnore: settings.groupsIgnore,
    alwaysOnline: settings.alwaysOnline,
    readMessages: settings.readMessages,
    readStatus: settings.readStatus,
    syncFullHistory: settings.syncFullHistory,
  };
}
