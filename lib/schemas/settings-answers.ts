import type { FromSchema } from 'json-schema-to-ts';
import type { Instance } from '../db/instances.js';
import type { withRow } from '../http/presenters.js';
import { settingsView, type Settings } from '../instance-config/settings.js';
import type { Plain, Satisfies } from './answer-check.js';
import { orNull, storedRow, withInstance } from './answer-parts.js';
import { settingsProperties } from './common.js';

// The answers of /settings in Evolution's shapes, for the API description; the
// checks at the end keep the settings view and these schemas in step.

export const settingsAnswer = {
  type: 'object',
  required: ['rejectCall', 'msgCall', 'groupsIgnore', 'alwaysOnline', 'readMessages', 'readStatus', 'syncFullHistory'],
  properties: settingsProperties,
} as const;

export const settingsSetAnswer = withInstance('settings', settingsAnswer);

export const settingsRowAnswer = storedRow(settingsAnswer);

/** find: null until settings are stored. */
export const settingsFindAnswer = orNull(settingsRowAnswer);

/** Evolution's answer to a set: the instance and its settings. */
export const settingsSetView = (instance: Pick<Instance, 'id' | 'name'>, settings: Settings) => ({
  settings: { instanceName: instance.name, instanceId: instance.id, settings: settingsView(settings) },
});

type SettingsView = ReturnType<typeof settingsView>;
export type SettingsSetAnswer = Satisfies<Plain<ReturnType<typeof settingsSetView>>, FromSchema<typeof settingsSetAnswer>>;
export type SettingsFindAnswer = Satisfies<Plain<ReturnType<typeof withRow<SettingsView>>> | null, FromSchema<typeof settingsFindAnswer>>;
