import { randomInt } from 'node:crypto';
import { AppState } from './app-state.js';
import type { PhoneHistory } from './history.js';
import { PhoneDevice } from './phone.js';

export const S_WHATSAPP_NET = 's.whatsapp.net';

/** The companion's Signal registration, sent in its first (registration) handshake. */
export interface Registration {
  registrationId: number;
  identity: Buffer;
  signedPreKeyId: number;
  signedPreKeyPub: Buffer;
  signedPreKeySignature: Buffer;
  /** The client asked for the full history (its `syncFullHistory`), in the companion props. */
  requireFullSync: boolean;
}

/** A linked device (a Baileys client) of an account. */
export interface Companion extends Registration {
  deviceId: number;
  keyIndex: number;
  platformId: string;
  /** The Noise static key it must log in with. */
  noiseKey: Buffer;
  /** One-time prekeys it uploaded, handed to senders one each. */
  preKeys: Map<number, Buffer>;
  historySent: boolean;
  /** The phone shared its app state key with it. */
  appStateKeyShared: boolean;
}

/** A profile picture as WhatsApp describes it: its id changes with each new picture. */
export interface ProfilePicture {
  id: string;
  url: string;
  /** Its privacy keeps it from others: they get 401 not-authorized. */
  hidden: boolean;
}

/** What a business account publishes. */
export interface BusinessProfile {
  description: string;
  email?: string;
  website?: string;
  address?: string;
  category?: string;
}

const PRIVACY_DEFAULTS: [string, string][] = [
  ['last', 'all'],
  ['online', 'all'],
  ['profile', 'all'],
  ['status', 'all'],
  ['groupadd', 'all'],
  ['readreceipts', 'all'],
  ['calladd', 'all'],
];

let nextLid = 100_000_000_000_000 + randomInt(1_000_000);

/** A WhatsApp user: phone number, LID, primary phone (device 0) and linked companions. */
export class Account {
  readonly lid = String(nextLid++);
  /** Device 0; its identity key doubles as the account (ADV) key. */
  readonly phone: PhoneDevice;
  readonly companions = new Map<number, Companion>();
  nextDeviceId = 1;
  keyIndex = 0;
  /** What the phone hands a newly linked device; null: an empty initial bootstrap. */
  history: PhoneHistory | null = null;
  /** The profile picture others see; null: none (WhatsApp answers 404). */
  profilePicture: ProfilePicture | null = null;
  /** The about text others read (usync status); null: none set. */
  about: string | null = null;
  /**
   * The name others get as the push name (`notify`): the app state's
   * pushNameSetting, or else the name its devices announce in presence.
   */
  pushName: string | null = null;
  /** Archived chats, unread marks, labels, push name ...: the server's patches, the phone's view. */
  readonly appState = new AppState();
  /** Privacy categories as the privacy IQ reads and sets them. */
  readonly privacy = new Map<string, string>(PRIVACY_DEFAULTS);
  /** Set for a business account: what a w:biz business_profile query answers. */
  business: BusinessProfile | null = null;
  /** Phone numbers this account blocked: the server keeps their messages from it. */
  readonly blocked = new Set<string>();

  constructor(
    readonly pn: string,
    readonly name: string,
  ) {
    this.phone = new PhoneDevice(`${pn}-0`);
  }

  get pnJid(): string {
    return `${this.pn}@${S_WHATSAPP_NET}`;
  }

  get lidJid(): string {
    return `${this.lid}@lid`;
  }
}
