import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { brokerName } from '../events/broker-name.js';
import type { Integration } from '../instances/integration.js';
import { bool, nowIso, strOrNull, type Row } from './rows.js';

export type ConnectionStatus = 'open' | 'close' | 'connecting';

export interface Instance {
  id: string;
  name: string;
  /** Its name on RabbitMQ, SQS and NATS (lib/events/broker-name.ts); unique. */
  brokerName: string;
  token: string;
  integration: Integration;
  number: string | null;
  businessId: string | null;
  connectionStatus: ConnectionStatus;
  ownerJid: string | null;
  profileName: string | null;
  profilePicUrl: string | null;
  /** The user asked for a connection; the instance is reconnected at boot. */
  autoConnect: boolean;
  disconnectionReasonCode: number | null;
  disconnectionObject: string | null;
  disconnectionAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type NewInstance = Pick<Instance, 'id' | 'name' | 'token' | 'integration' | 'number' | 'businessId'>;

/** What a worker learns about its connection and the gateway records. */
export type ConnectionPatch = Partial<
  Pick<
    Instance,
    | 'connectionStatus'
    | 'ownerJid'
    | 'profileName'
    | 'profilePicUrl'
    | 'disconnectionReasonCode'
    | 'disconnectionObject'
    | 'disconnectionAt'
  >
>;

/**
 * Tokens are looked up by their SHA-256 digest: finding a row by digest leaks
 * nothing useful about the token, unlike a plain equality lookup on the token.
 */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function fromRow(r: Row): Instance {
  return {
    id: String(r.id),
    name: String(r.name),
    brokerName: String(r.broker_name),
    token: String(r.token),
    integration: String(r.integration) as Integration,
    number: strOrNull(r.number),
    businessId: strOrNull(r.business_id),
    connectionStatus: String(r.connection_status) as ConnectionStatus,
    ownerJid: strOrNull(r.owner_jid),
    profileName: strOrNull(r.profile_name),
    profilePicUrl: strOrNull(r.profile_pic_url),
    autoConnect: bool(r.auto_connect),
    disconnectionReasonCode: r.disconnection_reason_code == null ? null : Number(r.disconnection_reason_code),
    disconnectionObject: strOrNull(r.disconnection_object),
    disconnectionAt: strOrNull(r.disconnection_at),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

const PATCH_COLUMNS: Record<keyof ConnectionPatch, string> = {
  connectionStatus: 'connection_status',
  ownerJid: 'owner_jid',
  profileName: 'profile_name',
  profilePicUrl: 'profile_pic_url',
  disconnectionReasonCode: 'disconnection_reason_code',
  disconnectionObject: 'disconnection_object',
  disconnectionAt: 'disconnection_at',
};

export class InstanceRepository {
  constructor(private readonly db: Knex) {}

  async insert(instance: NewInstance): Promise<Instance> {
    const now = nowIso();
    await this.db('instances').insert({
      id: instance.id,
      name: instance.name,
      broker_name: brokerName(instance.name),
      token: instance.token,
      token_digest: tokenDigest(instance.token),
      integration: instance.integration,
      number: instance.number,
      business_id: instance.businessId,
      connection_status: 'close',
      auto_connect: false,
      created_at: now,
      updated_at: now,
    });
    const created = await this.findById(instance.id);
    if (!created) throw new Error(`instance ${instance.name} vanished after insert`);
    return created;
  }

  async findByName(name: string): Promise<Instance | undefined> {
    const row = (await this.db('instances').where({ name }).first()) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** The instance that already goes by this broker name, if any. */
  async findByBrokerName(name: string): Promise<Instance | undefined> {
    const row = (await this.db('instances').where({ broker_name: name }).first()) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async findById(id: string): Promise<Instance | undefined> {
    const row = (await this.db('instances').where({ id }).first()) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async findByToken(token: string): Promise<Instance | undefined> {
    const row = (await this.db('instances').where({ token_digest: tokenDigest(token) }).first()) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async list(filter: { name?: string; id?: string } = {}): Promise<Instance[]> {
    const query = this.db('instances').orderBy('created_at', 'asc').orderBy('name', 'asc');
    if (filter.name !== undefined) query.where({ name: filter.name });
    if (filter.id !== undefined) query.where({ id: filter.id });
    return ((await query) as Row[]).map(fromRow);
  }

  /** Id, name and connection status of every instance: what the metrics label and count. */
  async summaries(): Promise<Pick<Instance, 'id' | 'name' | 'connectionStatus'>[]> {
    const rows = (await this.db('instances').select('id', 'name', 'connection_status')) as Row[];
    return rows.map((r) => ({ id: String(r.id), name: String(r.name), connectionStatus: String(r.connection_status) as ConnectionStatus }));
  }

  async listAutoConnect(): Promise<Instance[]> {
    return ((await this.db('instances').where({ auto_connect: true }).orderBy('name')) as Row[]).map(fromRow);
  }

  async count(): Promise<number> {
    const row = (await this.db('instances').count({ n: '*' }).first()) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  async updateConnection(id: string, patch: ConnectionPatch): Promise<void> {
    const row: Row = { updated_at: nowIso() };
    for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof ConnectionPatch, string][]) {
      if (patch[key] !== undefined) row[column] = patch[key];
    }
    await this.db('instances').where({ id }).update(row);
  }

  async setAutoConnect(id: string, autoConnect: boolean): Promise<void> {
    await this.db('instances').where({ id }).update({ auto_connect: autoConnect, updated_at: nowIso() });
  }

  async delete(id: string): Promise<void> {
    await this.db('instances').where({ id }).delete();
  }
}
