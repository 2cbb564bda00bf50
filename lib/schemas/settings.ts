import type { FromSchema } from 'json-schema-to-ts';
import { msgCallNeedsRejectCall, settingsProperties } from './common.js';

/** Fields left out keep their current value. */
export const setSettingsBody = {
  type: 'object',
  properties: settingsProperties,
  ...msgCallNeedsRejectCall,
} as const;

export type SetSettingsBody = FromSchema<typeof setSettingsBody>;
