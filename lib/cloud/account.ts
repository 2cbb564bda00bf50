// Whether a WHATSAPP-BUSINESS instance may be open: its token must be one Meta
// accepts and its number a phone number that token may use. Checked at create
// and restart; a later call Meta refuses with 190 closes the instance.
import type { ConnectionPatch, Instance } from '../db/instances.js';
import { DomainError, invalid } from '../errors.js';
import type { EventOwner, EventPublisher } from '../events/publisher.js';
import { statusInstanceEvent } from '../events/status-instance.js';
import type { ProxyConfig } from '../instance-config/proxy.js';
import type { Logger } from '../logger.js';
import { proxyAgent } from '../proxy/agent.js';
import type { Store } from '../store/store.js';
import type { WaBusinessConfig } from '../config.js';
import { GraphClient, type GraphResult } from './graph-client.js';
import { describeMetaError, isTokenRefused, type GraphFailure } from './refusal.js';

/** What Graph tells of the phone number (GET /{phone-number-id}). */
export interface PhoneNumberView {
  id: string;
  display_phone_number: string;
  verified_name: string;
}

const PHONE_FIELDS = 'display_phone_number,verified_name';

/** A number as Meta displays it ("+1 555-010-0100") as the account's jid. */
export function ownerJidOf(displayPhoneNumber: string): string {
  return `${displayPhoneNumber.replace(/\D/g, '')}@s.whatsapp.net`;
}

/** Reads the number with the token; a refusal names the field the client got wrong. */
export async function verifyAccount(client: GraphClient, phoneNumberId: string): Promise<PhoneNumberView> {
  const read = await readAccount(client, phoneNumberId);
  if (read.ok) return read.value;
  throw accountRefusal(read, phoneNumberId);
}

function readAccount(client: GraphClient, phoneNumberId: string): Promise<GraphResult<PhoneNumberView>> {
  return client.get<PhoneNumberView>(`/${phoneNumberId}`, { fields: PHONE_FIELDS });
}

function accountRefusal(failure: GraphFailure, phoneNumberId: string): DomainError {
  if (!failure.error) {
    return new DomainError('unavailable', `The Graph API could not be asked about the number${failure.status ? ` (it answered ${failure.status})` : ''}`);
  }
  const meta = describeMetaError(failure.error);
  if (isTokenRefused(failure)) return invalid(`token is not a valid Meta access token: ${meta}`);
  return invalid(`number ${phoneNumberId} is not a WhatsApp Business phone number id this token may use: ${meta}`);
}

/** The client of a create, before the instance is stored: its token, through its proxy. */
export function clientForCreate(config: WaBusinessConfig, token: string, proxy: ProxyConfig | null): GraphClient {
  const agent = proxy?.enabled ? proxyAgent(proxy, config.url.startsWith('https:')) : undefined;
  return new GraphClient(config, token, agent);
}

export interface CloudStateDeps {
  store: Store;
  events: EventPublisher;
  logger: Logger;
}

/** Records the instance open as the account Meta described, and says so as a Baileys instance does. */
export async function markOpen(deps: CloudStateDeps, instance: Instance, phone: PhoneNumberView): Promise<void> {
  const ownerJid = ownerJidOf(phone.display_phone_number);
  await changeState(deps, instance, {
    connectionStatus: 'open',
    ownerJid,
    profileName: phone.verified_name,
    disconnectionAt: null,
    disconnectionObject: null,
    disconnectionReasonCode: null,
  }, true);
  await deps.events.publish(owner(instance), 'CONNECTION_UPDATE', { instance: instance.name, state: 'open', statusReason: 200, wuid: ownerJid });
}

/**
 * Records the instance closed: logged out (no `refusal`: logout.instance
 * follows), or its token or number refused. It is not reopened at boot; a
 * restart checks the token again.
 */
export async function markClosed(deps: CloudStateDeps, instance: Instance, refusal?: GraphFailure): Promise<void> {
  const patch: ConnectionPatch & { connectionStatus: 'close' } = { connectionStatus: 'close' };
  if (refusal?.error) {
    patch.disconnectionAt = new Date().toISOString();
    patch.disconnectionReasonCode = refusal.error.code;
    patch.disconnectionObject = JSON.stringify({ error: { code: refusal.error.code, type: refusal.error.type, message: refusal.error.message } });
  }
  await changeState(deps, instance, patch, false);
  await deps.events.publish(owner(instance), 'CONNECTION_UPDATE', {
    instance: instance.name,
    state: 'close',
    statusReason: refusal?.error ? 401 : null,
    wuid: instance.ownerJid ?? undefined,
  });
  if (!refusal) await deps.events.publish(owner(instance), 'LOGOUT_INSTANCE', { instance: instance.name });
  if (refusal) deps.logger.warn({ instance: instance.name, code: refusal.error?.code }, 'Meta refused the account: instance closed');
}

async function changeState(deps: CloudStateDeps, instance: Instance, patch: ConnectionPatch & { connectionStatus: Instance['connectionStatus'] }, autoConnect: boolean): Promise<void> {
  await deps.store.recordState(instance.id, patch, autoConnect);
  // Envelopes name the owner as their sender: read it again for the next event.
  deps.events.forget(owner(instance));
  const status = statusInstanceEvent(instance.name, instance.connectionStatus, patch.connectionStatus, patch);
  if (status) await deps.events.publish(owner(instance), 'STATUS_INSTANCE', status);
}

const owner = (instance: Instance): EventOwner => ({ id: instance.id, name: instance.name });

/**
 * Checks the token and number again: open when Meta accepts them, closed
 * (and a 400 naming what Meta refused) when it does not. A Graph API that
 * does not answer leaves the instance as it is.
 */
export async function recheck(deps: CloudStateDeps, client: GraphClient, instance: Instance): Promise<void> {
  const read = await readAccount(client, instance.number ?? '');
  if (read.ok) return markOpen(deps, instance, read.value);
  if (read.error) await markClosed(deps, instance, read);
  throw accountRefusal(read, instance.number ?? '');
}
