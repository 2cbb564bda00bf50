/** What an account shows others: online state, or what it is doing in one chat. */
export const PRESENCES = ['available', 'unavailable', 'composing', 'recording', 'paused'] as const;
export type Presence = (typeof PRESENCES)[number];

/** Presences shown in one chat (typing, recording); the others are the account's. */
export const CHAT_PRESENCES = ['composing', 'recording', 'paused'] as const satisfies readonly Presence[];
