import type { WASocket, WAPrivacyGroupAddValue, WAPrivacyOnlineValue, WAPrivacyValue, WAReadReceiptsValue } from '@whiskeysockets/baileys';
import type { BusinessProfile, PrivacySettings, ProfileLookup } from '../lib/profile/types.js';
import { toJid } from './jid.js';

/** The account's own profile and privacy on WhatsApp, and what others publish. */
export class Profile {
  constructor(private readonly socket: () => WASocket) {}

  /** Picture, about text and business profile of `number`, each null when WhatsApp keeps it from us. */
  async lookup(number: string): Promise<ProfileLookup> {
    const socket = this.socket();
    const jid = toJid(number);
    const [found] = (await socket.onWhatsApp(jid)) ?? [];
    if (!found?.exists) return { wuid: jid, exists: false, picture: null, status: null, business: null };
    const wuid = found.jid;
    const picture = (await socket.profilePictureUrl(wuid, 'image').catch(() => undefined)) ?? null;
    const [statusEntry] = (await socket.fetchStatus(wuid).catch(() => undefined)) ?? [];
    const status = (statusEntry?.status as { status?: string | null } | undefined)?.status ?? null;
    return { wuid, exists: true, picture, status, business: await this.business(wuid) };
  }

  /** The business profile of `jid`, or null for an ordinary account. */
  async business(jid: string): Promise<BusinessProfile | null> {
    const profile = await this.socket().getBusinessProfile(toJid(jid));
    if (!profile) return null;
    return {
      wid: profile.wid ?? null,
      description: profile.description ?? '',
      email: profile.email ?? null,
      website: profile.website ?? [],
      address: profile.address ?? null,
      category: profile.category ?? null,
    };
  }

  async privacy(): Promise<PrivacySettings> {
    const settings = await this.socket().fetchPrivacySettings(true);
    return {
      readreceipts: settings.readreceipts,
      profile: settings.profile,
      status: settings.status,
      online: settings.online,
      last: settings.last,
      groupadd: settings.groupadd,
    };
  }

  /** One IQ per category, as WhatsApp takes them. */
  async updatePrivacy(settings: PrivacySettings): Promise<void> {
    const socket = this.socket();
    await socket.updateReadReceiptsPrivacy(settings.readreceipts as WAReadReceiptsValue);
    await socket.updateProfilePicturePrivacy(settings.profile as WAPrivacyValue);
    await socket.updateStatusPrivacy(settings.status as WAPrivacyValue);
    await socket.updateOnlinePrivacy(settings.online as WAPrivacyOnlineValue);
    await socket.updateLastSeenPrivacy(settings.last as WAPrivacyValue);
    await socket.updateGroupsAddPrivacy(settings.groupadd as WAPrivacyGroupAddValue);
  }

  async updateName(name: string): Promise<void> {
    await this.socket().updateProfileName(name);
  }

  async updateStatus(status: string): Promise<void> {
    await this.socket().updateProfileStatus(status);
  }

  /** Baileys converts the image to the square JPEG WhatsApp takes. */
  async updatePicture(image: Uint8Array): Promise<void> {
    const socket = this.socket();
    await socket.updateProfilePicture(this.ownJid(socket), Buffer.from(image));
  }

  async removePicture(): Promise<void> {
    const socket = this.socket();
    await socket.removeProfilePicture(this.ownJid(socket));
  }

  private ownJid(socket: WASocket): string {
    return socket.user?.id ?? '';
  }
}
