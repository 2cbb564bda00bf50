import type { GroupMetadata, WASocket } from '@whiskeysockets/baileys';
import type {
  EphemeralExpiration,
  GroupInfo,
  GroupMetadataJson,
  GroupParticipant,
  GroupParticipantAction,
  GroupSetting,
  ParticipantUpdateResult,
} from '../lib/groups/types.js';
import type { RefusalCode } from '../lib/supervisor/protocol.js';
import { CommandError } from './command-error.js';
import { toJid } from './jid.js';

/**
 * WhatsApp's code when it refused an IQ: Baileys puts the error node's code in
 * the Boom's `data`. Anything else (a timeout, a closed socket) is not a refusal.
 */
function refusalCode(error: unknown): number | null {
  const data = (error as { isBoom?: boolean; data?: unknown }).data;
  return (error as { isBoom?: boolean }).isBoom && typeof data === 'number' ? data : null;
}

/**
 * Runs a group IQ; a refusal from WhatsApp becomes a command error that says
 * what it was. 404 (no such group) and 410 (a revoked invite) are "not found";
 * the others take the route's kind, as Evolution answers them (400 for most,
 * 404 for lookups).
 */
async function asked<T>(what: string, action: () => Promise<T>, kind: RefusalCode = 'invalid'): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const code = refusalCode(error);
    if (code === null) throw error;
    const text = (error as Error).message;
    throw new CommandError(code === 404 || code === 410 ? 'not-found' : kind, `${what}: WhatsApp answered ${code} ${text}`);
  }
}

/** Baileys' participant as plain data, without its empty fields. */
function participantOf(participant: GroupMetadata['participants'][number]): GroupParticipant {
  return {
    id: participant.id,
    admin: participant.admin ?? null,
    ...(participant.phoneNumber ? { phoneNumber: participant.phoneNumber } : {}),
    ...(participant.lid ? { lid: participant.lid } : {}),
  };
}

function metadataJson(metadata: GroupMetadata): GroupMetadataJson {
  const defined = Object.entries(metadata).filter(([, value]) => value !== undefined);
  return { ...Object.fromEntries(defined), id: metadata.id, participants: metadata.participants.map(participantOf) };
}

/** The account's groups on WhatsApp: create, read, change, invite, leave. */
export class Groups {
  constructor(private readonly socket: () => WASocket) {}

  /** Only numbers on WhatsApp become participants, as Evolution filters them. */
  async create(subject: string, numbers: string[], description?: string, promote?: boolean): Promise<GroupMetadataJson> {
    const socket = this.socket();
    const checks = await Promise.all(numbers.map(async (number) => (await socket.onWhatsApp(toJid(number)))?.[0]));
    const participants = checks.flatMap((check) => (check?.exists ? [check.jid] : []));
    const created = await asked('Error creating group', () => socket.groupCreate(subject, participants));
    if (description) await asked('Error creating group', () => socket.groupUpdateDescription(created.id, description));
    if (promote && participants.length > 0) await asked('Error creating group', () => socket.groupParticipantsUpdate(created.id, participants, 'promote'));
    return metadataJson(await asked('Error creating group', () => socket.groupMetadata(created.id)));
  }

  async info(groupJid: string): Promise<GroupInfo> {
    const metadata = await asked('Error fetching group', () => this.socket().groupMetadata(groupJid), 'not-found');
    return { ...(await this.summary(metadata)), participants: metadata.participants.map(participantOf) };
  }

  async all(withParticipants: boolean): Promise<GroupInfo[]> {
    const groups = Object.values(await asked('Error fetching groups', () => this.socket().groupFetchAllParticipating()));
    const infos: GroupInfo[] = [];
    for (const metadata of groups) {
      const summary = await this.summary(metadata);
      infos.push(withParticipants ? { ...summary, participants: metadata.participants.map(participantOf) } : summary);
    }
    return infos;
  }

  async participants(groupJid: string): Promise<GroupParticipant[]> {
    const metadata = await asked('No participants', () => this.socket().groupMetadata(groupJid), 'not-found');
    return metadata.participants.map(participantOf);
  }

  async subject(groupJid: string, subject: string): Promise<void> {
    await asked('Error updating group subject', () => this.socket().groupUpdateSubject(groupJid, subject));
  }

  async description(groupJid: string, description: string): Promise<void> {
    await asked('Error updating group description', () => this.socket().groupUpdateDescription(groupJid, description));
  }

  /** Baileys converts the image to the square JPEG WhatsApp takes. */
  async picture(groupJid: string, image: Uint8Array): Promise<void> {
    await asked('Error update group picture', () =>
      this.socket()
        .updateProfilePicture(groupJid, Buffer.from(image))
        .catch((error: unknown) => {
          // Anything but WhatsApp's answer is the image conversion failing: the image is the client's.
          if ((error as { isBoom?: boolean }).isBoom) throw error;
          throw new CommandError('invalid', 'The image could not be read as a picture');
        }),
    );
  }

  async inviteCode(groupJid: string): Promise<{ code: string }> {
    const code = await asked('No invite code', () => this.socket().groupInviteCode(groupJid), 'not-found');
    if (!code) throw new CommandError('not-found', 'No invite code');
    return { code };
  }

  async inviteInfo(code: string): Promise<GroupMetadataJson> {
    return metadataJson(await asked('No invite info', () => this.socket().groupGetInviteInfo(code), 'not-found'));
  }

  async acceptInvite(code: string): Promise<{ groupJid: string | null }> {
    const groupJid = await asked('Accept invite error', () => this.socket().groupAcceptInvite(code), 'not-found');
    return { groupJid: groupJid ?? null };
  }

  async revokeInvite(groupJid: string): Promise<{ code: string | null }> {
    const code = await asked('Revoke error', () => this.socket().groupRevokeInvite(groupJid), 'not-found');
    return { code: code ?? null };
  }

  async updateParticipants(groupJid: string, action: GroupParticipantAction, numbers: string[]): Promise<ParticipantUpdateResult[]> {
    const jids = numbers.map(toJid);
    const results = await asked('Error updating participants', () => this.socket().groupParticipantsUpdate(groupJid, jids, action));
    return results.map(({ status, jid, content }) => ({
      status,
      jid: jid ?? '',
      content: { tag: content.tag, attrs: { ...content.attrs } },
    }));
  }

  async setting(groupJid: string, setting: GroupSetting): Promise<void> {
    await asked('Error updating setting', () => this.socket().groupSettingUpdate(groupJid, setting));
  }

  async ephemeral(groupJid: string, expiration: EphemeralExpiration): Promise<void> {
    await asked('Error updating setting', () => this.socket().groupToggleEphemeral(groupJid, expiration));
  }

  async leave(groupJid: string): Promise<void> {
    await asked('Unable to leave the group', () => this.socket().groupLeave(groupJid));
  }

  /** Evolution's group summary: the metadata's fields, the size and the picture's URL (null without one). */
  private async summary(metadata: GroupMetadata): Promise<GroupInfo> {
    const pictureUrl = (await this.socket().profilePictureUrl(metadata.id, 'image').catch(() => undefined)) ?? null;
    return {
      id: metadata.id,
      subject: metadata.subject,
      subjectOwner: metadata.subjectOwner,
      subjectTime: metadata.subjectTime,
      pictureUrl,
      size: metadata.participants.length,
      creation: metadata.creation,
      owner: metadata.owner,
      desc: metadata.desc,
      descId: metadata.descId,
      restrict: metadata.restrict,
      announce: metadata.announce,
      isCommunity: metadata.isCommunity,
      isCommunityAnnounce: metadata.isCommunityAnnounce,
      linkedParent: metadata.linkedParent,
    };
  }
}
