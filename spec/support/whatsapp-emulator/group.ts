// Groups as the WhatsApp server keeps them: members and their roles, subject,
// description, settings, disappearing-message timer and invite code, changed
// through the w:g2 IQs Baileys sends (Socket/groups.js) and announced to every
// member's devices with w:gp2 notifications.
//
// A group is addressed by phone number (addressing_mode "pn": members are
// `<pn>@s.whatsapp.net` with their LID beside them) or by LID (addressing_mode
// "lid", what WhatsApp gives new groups: members are `<lid>@lid` with their
// phone number beside them). Metadata, notifications and group messages name
// people the group's way, with the other form as the alternate.
import { getBinaryNodeChild, getBinaryNodeChildren, type BinaryNode } from '@whiskeysockets/baileys';
import { randomBytes, randomInt } from 'node:crypto';
import type { Account } from './account.js';

export type GroupRole = 'admin' | 'superadmin' | null;
/** How a group names its members: by phone number, or by LID. */
export type AddressingMode = 'pn' | 'lid';

/** WhatsApp's limits on what a group's info may hold. */
const SUBJECT_MAX = 100;
const DESCRIPTION_MAX = 2048;
const EPHEMERAL_DURATIONS = new Set([0, 86_400, 604_800, 7_776_000]);

const INVITE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const inviteCode = () => Array.from({ length: 22 }, () => INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)]).join('');
const now = () => Math.floor(Date.now() / 1000);
const text = (value: string) => Buffer.from(value, 'utf-8');
/** The UTF-8 text a node carries. */
const textOf = (node: BinaryNode | undefined) =>
  node?.content instanceof Uint8Array ? Buffer.from(node.content).toString('utf-8') : typeof node?.content === 'string' ? node.content : '';

/** An IQ error as WhatsApp answers it: `<error code text/>`. */
export class GroupError extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(`${code} ${text}`);
  }
}

const notFound = () => new GroupError(404, 'item-not-found');
const forbidden = () => new GroupError(403, 'forbidden');
const notAuthorized = () => new GroupError(401, 'not-authorized');
const notAcceptable = () => new GroupError(406, 'not-acceptable');
const badRequest = () => new GroupError(400, 'bad-request');

export class Group {
  subject: string;
  subjectOwner: Account;
  subjectTime: number;
  description: { id: string; body: string; owner: Account; time: number } | null = null;
  /** Members in the order they joined, with their role. */
  readonly members = new Map<Account, GroupRole>();
  announce = false;
  locked = false;
  ephemeral = 0;
  inviteCode = inviteCode();
  picture: { id: string; url: string } | null = null;
  readonly creation = now();

  constructor(
    /** The id without its server: `120363` and twelve digits, as new groups have. */
    readonly id: string,
    readonly creator: Account,
    subject: string,
    readonly addressingMode: AddressingMode = 'pn',
  ) {
    this.subject = subject;
    this.subjectOwner = creator;
    this.subjectTime = this.creation;
  }

  get jid(): string {
    return `${this.id}@g.us`;
  }

  isMember(account: Account | undefined): boolean {
    return account !== undefined && this.members.has(account);
  }

  isAdmin(account: Account | undefined): boolean {
    return account !== undefined && Boolean(this.members.get(account));
  }

  /** How the group names `account`: its LID in a LID group, else its phone number. */
  jidOf(account: Account): string {
    return this.addressingMode === 'lid' ? account.lidJid : account.pnJid;
  }

  /** `account` as the author of a message, a change or a description: `participant` and its other form. */
  authorAttrs(account: Account): Record<string, string> {
    return this.addressingMode === 'lid'
      ? { participant: account.lidJid, participant_pn: account.pnJid }
      : { participant: account.pnJid, participant_lid: account.lidJid };
  }

  /** `account` in a `<participant>` node: `jid` and its other form. */
  memberAttrs(account: Account): Record<string, string> {
    return this.addressingMode === 'lid' ? { jid: account.lidJid, phone_number: account.pnJid } : { jid: account.pnJid, lid: account.lidJid };
  }

  /** A subject's or the group's owner: `prefix` names it the group's way, `<prefix>_pn` by number in a LID group. */
  private ownerAttrs(prefix: string, account: Account): Record<string, string> {
    return { [prefix]: this.jidOf(account), ...(this.addressingMode === 'lid' ? { [`${prefix}_pn`]: account.pnJid } : {}) };
  }

  /** The `<group>` node of metadata queries; without participants for someone who only holds an invite. */
  node(withParticipants = true): BinaryNode {
    const content: BinaryNode[] = [];
    if (this.description) {
      content.push({
        tag: 'description',
        attrs: { id: this.description.id, ...this.authorAttrs(this.description.owner), t: String(this.description.time) },
        content: [{ tag: 'body', attrs: {}, content: text(this.description.body) }],
      });
    }
    if (this.announce) content.push({ tag: 'announcement', attrs: {} });
    if (this.locked) content.push({ tag: 'locked', attrs: {} });
    if (this.ephemeral) content.push({ tag: 'ephemeral', attrs: { expiration: String(this.ephemeral) } });
    content.push({ tag: 'member_add_mode', attrs: {}, content: text('admin_add') });
    if (withParticipants) content.push(...[...this.members.keys()].map((account) => this.participantNode(account)));
    return {
      tag: 'group',
      attrs: {
        id: this.id,
        subject: this.subject,
        ...this.ownerAttrs('s_o', this.subjectOwner),
        s_t: String(this.subjectTime),
        ...this.ownerAttrs('creator', this.creator),
        creation: String(this.creation),
        size: String(this.members.size),
        addressing_mode: this.addressingMode,
      },
      content,
    };
  }

  participantNode(account: Account): BinaryNode {
    const role = this.members.get(account);
    return { tag: 'participant', attrs: { ...this.memberAttrs(account), ...(role ? { type: role } : {}) } };
  }

  /** The subject change as members are told of it. */
  subjectNode(actor: Account): BinaryNode {
    return { tag: 'subject', attrs: { subject: this.subject, ...this.ownerAttrs('s_o', actor), s_t: String(this.subjectTime) } };
  }
}

/** What the directory needs from the server around it. */
export interface GroupServer {
  accountOf(jid: string | undefined): Account | undefined;
  /** Sends a w:gp2 notification about `group` to the live devices of `audience`. */
  notify(audience: Account[], group: Group, actor: Account, child: BinaryNode): void;
  /** Someone's profile picture came in as JPEG bytes: where it is served from. */
  servePicture(jpeg: Buffer): string;
}

type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote';
const PARTICIPANT_ACTIONS = new Set<string>(['add', 'remove', 'promote', 'demote']);
const SETTINGS = new Set<string>(['announcement', 'not_announcement', 'locked', 'unlocked']);

/** Every group of the server, and the rules by which they change. */
export class GroupDirectory {
  private readonly groups = new Map<string, Group>();
  /** How the groups clients create are addressed. */
  newGroupAddressing: AddressingMode = 'pn';

  constructor(private readonly server: GroupServer) {}

  get(jid: string): Group | undefined {
    return this.groups.get(jid.split('@')[0]);
  }

  /** Groups `account` belongs to. */
  of(account: Account): Group[] {
    return [...this.groups.values()].filter((group) => group.isMember(account));
  }

  create(
    creator: Account,
    subject: string,
    invited: Account[],
    addressing: AddressingMode = this.newGroupAddressing,
  ): { group: Group; refused: { account: Account; code: number }[] } {
    if (!subject.trim() || subject.length > SUBJECT_MAX) throw notAcceptable();
    let id: string;
    do id = `120363${String(randomInt(1e6)).padStart(6, '0')}${String(randomInt(1e6)).padStart(6, '0')}`;
    while (this.groups.has(id));
    const group = new Group(id, creator, subject, addressing);
    group.members.set(creator, 'superadmin');
    const refused: { account: Account; code: number }[] = [];
    for (const account of invited) {
      const code = this.addRefusal(group, creator, account);
      if (code) refused.push({ account, code });
      else group.members.set(account, null);
    }
    this.groups.set(id, group);
    this.server.notify([...group.members.keys()], group, creator, { tag: 'create', attrs: { reason: 'create' }, content: [group.node()] });
    return { group, refused };
  }

  setSubject(actor: Account, group: Group, subject: string): void {
    this.mayEditInfo(actor, group);
    if (!subject.trim() || subject.length > SUBJECT_MAX) throw notAcceptable();
    group.subject = subject;
    group.subjectOwner = actor;
    group.subjectTime = now();
    this.announce(group, actor, group.subjectNode(actor));
  }

  /** A new description (or none); `prev` must name the current one, as WhatsApp checks. */
  setDescription(actor: Account, group: Group, body: string | null, id: string | undefined, prev: string | undefined): void {
    this.mayEditInfo(actor, group);
    if (body !== null && body.length > DESCRIPTION_MAX) throw notAcceptable();
    if (group.description && prev !== undefined && prev !== group.description.id) throw new GroupError(409, 'conflict');
    const descriptionId = id ?? randomBytes(8).toString('hex').toUpperCase();
    group.description = body === null ? null : { id: descriptionId, body, owner: actor, time: now() };
    this.announce(group, actor, {
      tag: 'description',
      attrs: { id: descriptionId, ...(body === null ? { delete: 'true' } : {}) },
      content: body === null ? undefined : [{ tag: 'body', attrs: {}, content: text(body) }],
    });
  }

  setting(actor: Account, group: Group, setting: string): void {
    this.mustAdmin(actor, group);
    if (setting === 'announcement' || setting === 'not_announcement') group.announce = setting === 'announcement';
    else group.locked = setting === 'locked';
    this.announce(group, actor, { tag: setting, attrs: {} });
  }

  setEphemeral(actor: Account, group: Group, expiration: number): void {
    this.mayEditInfo(actor, group);
    if (!EPHEMERAL_DURATIONS.has(expiration)) throw notAcceptable();
    group.ephemeral = expiration;
    this.announce(group, actor, expiration ? { tag: 'ephemeral', attrs: { expiration: String(expiration) } } : { tag: 'not_ephemeral', attrs: {} });
  }

  setPicture(actor: Account, group: Group, jpeg: Buffer | null): string {
    this.mayEditInfo(actor, group);
    group.picture = jpeg ? { id: String(randomInt(1_000_000_000, 2_000_000_000)), url: this.server.servePicture(jpeg) } : null;
    return group.picture?.id ?? '';
  }

  /**
   * Adds, removes, promotes or demotes: one result per participant (its jid as
   * asked, and WhatsApp's error code when it failed), one notification for
   * those it changed.
   */
  participants(actor: Account, group: Group, action: ParticipantAction, jids: string[]): { jid: string; error?: number; account?: Account }[] {
    this.mustAdmin(actor, group);
    const audience = [...group.members.keys()];
    const results = jids.map((jid) => {
      const account = this.server.accountOf(jid);
      const error = this.participantRefusal(actor, group, action, account);
      if (error || !account) return { jid, error: error ?? 404 };
      if (action === 'add') group.members.set(account, null);
      else if (action === 'remove') group.members.delete(account);
      else group.members.set(account, action === 'promote' ? 'admin' : null);
      return { jid, account };
    });
    const changed = results.flatMap((result) => (result.account ? [result.account] : []));
    if (changed.length > 0) {
      const recipients = action === 'remove' ? audience : [...group.members.keys()];
      this.server.notify(recipients, group, actor, {
        tag: action,
        attrs: action === 'add' ? { reason: 'invite' } : {},
        content: changed.map((account) => ({ tag: 'participant', attrs: group.memberAttrs(account) })),
      });
    }
    return results;
  }

  inviteCodeOf(actor: Account, group: Group): string {
    this.mustAdmin(actor, group);
    return group.inviteCode;
  }

  revokeInvite(actor: Account, group: Group): string {
    this.mustAdmin(actor, group);
    group.inviteCode = inviteCode();
    return group.inviteCode;
  }

  byInvite(code: string): Group {
    const group = [...this.groups.values()].find((candidate) => candidate.inviteCode === code);
    // A revoked or unknown link: WhatsApp answers "gone".
    if (!group) throw new GroupError(410, 'gone');
    return group;
  }

  join(account: Account, code: string): Group {
    const group = this.byInvite(code);
    if (group.isMember(account)) throw new GroupError(409, 'conflict');
    group.members.set(account, null);
    this.server.notify([...group.members.keys()], group, account, {
      tag: 'add',
      attrs: { reason: 'invite_link' },
      content: [{ tag: 'participant', attrs: group.memberAttrs(account) }],
    });
    return group;
  }

  leave(account: Account, group: Group): void {
    if (!group.isMember(account)) throw notAuthorized();
    const audience = [...group.members.keys()];
    const wasSuperadmin = group.members.get(account) === 'superadmin';
    group.members.delete(account);
    this.server.notify(audience, group, account, { tag: 'remove', attrs: { reason: 'leave' }, content: [group.participantNode(account)] });
    if (group.members.size === 0) this.groups.delete(group.id);
    else if (wasSuperadmin && ![...group.members.values()].some(Boolean)) group.members.set([...group.members.keys()][0], 'admin');
  }

  /**
   * One w:g2 IQ from `requester`: the reply's content, or a GroupError.
   * `to` is the group's jid, or `@g.us` for what names no group yet.
   */
  iq(requester: Account, node: BinaryNode): BinaryNode[] {
    const [child] = Array.isArray(node.content) ? node.content : [];
    if (!child) throw badRequest();
    const to = node.attrs.to ?? '';
    const type = node.attrs.type;
    if (to === '@g.us') return this.serverIq(requester, type, child);
    const group = this.get(to);
    if (!to.endsWith('@g.us') || !group) throw notFound();
    if (type === 'get') return this.groupGet(requester, group, child);
    return this.groupSet(requester, group, child);
  }

  private serverIq(requester: Account, type: string | undefined, child: BinaryNode): BinaryNode[] {
    if (type === 'get' && child.tag === 'participating') {
      return [{ tag: 'groups', attrs: {}, content: this.of(requester).map((group) => group.node()) }];
    }
    if (type === 'get' && child.tag === 'invite' && child.attrs.code) return [this.byInvite(child.attrs.code).node(false)];
    if (type === 'set' && child.tag === 'invite' && child.attrs.code) {
      return [{ tag: 'group', attrs: { jid: this.join(requester, child.attrs.code).jid } }];
    }
    if (type === 'set' && child.tag === 'create') {
      const asked = getBinaryNodeChildren(child, 'participant').map((p) => p.attrs.jid ?? '');
      const invited = asked.map((jid) => this.server.accountOf(jid));
      if (invited.some((account) => account === undefined)) throw badRequest();
      const { group, refused } = this.create(requester, child.attrs.subject ?? '', invited as Account[]);
      const node = group.node();
      // Those who could not be added are listed by the jid asked for, with the reason.
      const refusals = refused.map(({ account, code }) => ({ tag: 'participant', attrs: { jid: asked[invited.indexOf(account)], error: String(code) } }));
      return [{ ...node, content: [...(node.content as BinaryNode[]), ...refusals] }];
    }
    if (type === 'set' && child.tag === 'leave') {
      for (const groupNode of getBinaryNodeChildren(child, 'group')) {
        const group = this.get(groupNode.attrs.id ?? '');
        if (!group) throw notFound();
        this.leave(requester, group);
      }
      return [{ tag: 'leave', attrs: {}, content: getBinaryNodeChildren(child, 'group') }];
    }
    throw badRequest();
  }

  private groupGet(requester: Account, group: Group, child: BinaryNode): BinaryNode[] {
    if (child.tag === 'query') {
      if (!group.isMember(requester)) throw forbidden();
      return [group.node()];
    }
    if (child.tag === 'invite') return [{ tag: 'invite', attrs: { code: this.inviteCodeOf(requester, group) } }];
    throw badRequest();
  }

  private groupSet(requester: Account, group: Group, child: BinaryNode): BinaryNode[] {
    const tag = child.tag;
    if (tag === 'subject') {
      this.setSubject(requester, group, textOf(child));
      return [];
    }
    if (tag === 'description') {
      const body = child.attrs.delete === 'true' ? null : textOf(getBinaryNodeChild(child, 'body'));
      this.setDescription(requester, group, body, child.attrs.id, child.attrs.prev);
      return [];
    }
    if (PARTICIPANT_ACTIONS.has(tag)) {
      const jids = getBinaryNodeChildren(child, 'participant').map((p) => p.attrs.jid ?? '');
      const results = this.participants(requester, group, tag as ParticipantAction, jids);
      return [
        {
          tag,
          attrs: {},
          // A changed member is named the group's way; a refusal by the jid asked for.
          content: results.map(({ jid, error, account }): BinaryNode => ({
            tag: 'participant',
            attrs: error || !account ? { jid, error: String(error) } : this.changedAttrs(group, account, jid),
          })),
        },
      ];
    }
    if (SETTINGS.has(tag)) {
      this.setting(requester, group, tag);
      return [];
    }
    if (tag === 'ephemeral' || tag === 'not_ephemeral') {
      this.setEphemeral(requester, group, tag === 'ephemeral' ? Number(child.attrs.expiration) : 0);
      return [];
    }
    if (tag === 'invite') return [{ tag: 'invite', attrs: { code: this.revokeInvite(requester, group) } }];
    throw badRequest();
  }

  /**
   * A member an IQ changed, as the answer names it: in a phone-number group
   * the jid asked for with its LID; in a LID group the LID with the phone
   * number, and the role it has now.
   */
  private changedAttrs(group: Group, account: Account, asked: string): Record<string, string> {
    return group.addressingMode === 'pn' ? { jid: asked, lid: account.lidJid } : group.participantNode(account).attrs;
  }

  /** Subject, description, picture and timer: any member, or admins only once the group is locked. */
  private mayEditInfo(actor: Account, group: Group): void {
    if (!group.isMember(actor)) throw forbidden();
    if (group.locked && !group.isAdmin(actor)) throw forbidden();
  }

  private mustAdmin(actor: Account, group: Group): void {
    if (!group.isMember(actor)) throw forbidden();
    if (!group.isAdmin(actor)) throw notAuthorized();
  }

  /** WhatsApp's per-participant code when `action` cannot apply to `account`; null when it can. */
  private participantRefusal(actor: Account, group: Group, action: ParticipantAction, account: Account | undefined): number | null {
    // Not on WhatsApp.
    if (!account) return 404;
    if (action === 'add') return this.addRefusal(group, actor, account);
    if (!group.isMember(account)) return 404;
    // Nobody demotes or removes the group's creator.
    if (group.members.get(account) === 'superadmin' && action !== 'promote') return 406;
    return null;
  }

  private addRefusal(group: Group, actor: Account, account: Account): number | null {
    if (group.isMember(account)) return 409;
    if (account.blocked.has(actor.pn)) return 401;
    // "Who can add me to groups": nobody (the adder gets an invite to send instead).
    if (account.privacy.get('groupadd') === 'none') return 403;
    return null;
  }

  private announce(group: Group, actor: Account, child: BinaryNode): void {
    this.server.notify([...group.members.keys()], group, actor, child);
  }
}
