// Group shapes shared by the /group routes (main thread) and the instance
// worker. They cross the thread boundary, so they are plain data.

export type GroupParticipantAction = 'add' | 'remove' | 'promote' | 'demote';
export type GroupSetting = 'announcement' | 'not_announcement' | 'locked' | 'unlocked';
/** Disappearing messages: off, 24 hours, 7 days or 90 days, in seconds. */
export type EphemeralExpiration = 0 | 86400 | 604800 | 7776000;

/** A member as Baileys reads it from WhatsApp: `admin` is null for a plain member. */
export interface GroupParticipant {
  id: string;
  admin: 'admin' | 'superadmin' | null;
  phoneNumber?: string;
  lid?: string;
}

/** Group metadata as Baileys parses it (create, invite info): plain data, passed on as is. */
export type GroupMetadataJson = Record<string, unknown> & { id: string; participants: GroupParticipant[] };

/** A group as Evolution's findGroupInfos and fetchAllGroups describe it. */
export interface GroupInfo {
  id: string;
  subject: string;
  subjectOwner?: string;
  subjectTime?: number;
  pictureUrl: string | null;
  size: number;
  creation?: number;
  owner?: string;
  desc?: string;
  descId?: string;
  restrict?: boolean;
  announce?: boolean;
  /** Left out by fetchAllGroups unless asked for. */
  participants?: GroupParticipant[];
  isCommunity?: boolean;
  isCommunityAnnounce?: boolean;
  linkedParent?: string;
}

/** One participant's outcome of an add/remove/promote/demote: WhatsApp's code ("200" when done). */
export interface ParticipantUpdateResult {
  status: string;
  jid: string;
  content: { tag: string; attrs: Record<string, string> };
}
