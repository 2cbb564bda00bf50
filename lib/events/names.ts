// Event names as users configure them (UPPER_SNAKE) and as payloads carry them
// (dotted lower case). The order is the contract's.
export const EVENT_NAMES = {
  APPLICATION_STARTUP: 'application.startup',
  QRCODE_UPDATED: 'qrcode.updated',
  CONNECTION_UPDATE: 'connection.update',
  MESSAGES_SET: 'messages.set',
  MESSAGES_UPSERT: 'messages.upsert',
  MESSAGES_EDITED: 'messages.edited',
  MESSAGES_UPDATE: 'messages.update',
  MESSAGES_DELETE: 'messages.delete',
  SEND_MESSAGE: 'send.message',
  SEND_MESSAGE_UPDATE: 'send.message.update',
  CONTACTS_SET: 'contacts.set',
  CONTACTS_UPSERT: 'contacts.upsert',
  CONTACTS_UPDATE: 'contacts.update',
  PRESENCE_UPDATE: 'presence.update',
  CHATS_SET: 'chats.set',
  CHATS_UPSERT: 'chats.upsert',
  CHATS_UPDATE: 'chats.update',
  CHATS_DELETE: 'chats.delete',
  GROUPS_UPSERT: 'groups.upsert',
  GROUP_UPDATE: 'group.update',
  GROUP_PARTICIPANTS_UPDATE: 'group-participants.update',
  LABELS_EDIT: 'labels.edit',
  LABELS_ASSOCIATION: 'labels.association',
  CALL: 'call',
  LOGOUT_INSTANCE: 'logout.instance',
  REMOVE_INSTANCE: 'remove.instance',
  INSTANCE_CREATE: 'instance.create',
  INSTANCE_DELETE: 'instance.delete',
  STATUS_INSTANCE: 'status.instance',
  // Accepted in events lists and stored, as Evolution does, but never emitted:
  // this gateway has no Typebot integration to start or change.
  TYPEBOT_START: 'typebot.start',
  TYPEBOT_CHANGE_STATUS: 'typebot.change-status',
} as const;

export type EventName = keyof typeof EVENT_NAMES;
export type EventPayloadName = (typeof EVENT_NAMES)[EventName];

export const EVENT_LIST = Object.keys(EVENT_NAMES) as EventName[];

export function payloadName(event: EventName): EventPayloadName {
  return EVENT_NAMES[event];
}

/**
 * Other spellings event lists accept, kept as the name they stand for.
 * Evolution's lists take GROUP_UPDATE but its code emits the group-update
 * event as `groups.update` (GROUPS_UPDATE); either spelling here means
 * GROUP_UPDATE, which is emitted as `group.update`.
 */
export const EVENT_ALIASES = {
  GROUPS_UPDATE: 'GROUP_UPDATE',
  'groups.update': 'GROUP_UPDATE',
} as const satisfies Record<string, EventName>;

export type EventAlias = keyof typeof EVENT_ALIASES;

/** What an event list may hold: the names and their aliases. */
export const ACCEPTED_EVENT_LIST = [...EVENT_LIST, ...(Object.keys(EVENT_ALIASES) as EventAlias[])];

/** The event a name or alias stands for; undefined for anything else. */
export function canonicalEvent(name: string): EventName | undefined {
  if (name in EVENT_NAMES) return name as EventName;
  return (EVENT_ALIASES as Record<string, EventName>)[name];
}

/** An event list with its aliases resolved, each event once, in the order given. */
export function canonicalEvents(names: readonly (EventName | EventAlias)[]): EventName[] {
  return [...new Set(names.map((name) => canonicalEvent(name) as EventName))];
}
