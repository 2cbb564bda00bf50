import type { ConnectionPatch, ConnectionStatus } from '../db/instances.js';
import type { StatusInstance } from './payloads.js';

/**
 * The status.instance event for a connection status change, or null when the
 * status stays what it was (a reconnect that is still connecting, say). A close
 * carries why it closed, in the fields Evolution sends and fetchInstances shows.
 */
export function statusInstanceEvent(
  instance: string,
  previous: ConnectionStatus,
  next: ConnectionStatus,
  patch: ConnectionPatch = {},
): StatusInstance | null {
  if (previous === next) return null;
  if (next !== 'close') return { instance, status: next };
  const event: StatusInstance = { instance, status: next };
  if (patch.disconnectionAt !== undefined && patch.disconnectionAt !== null) event.disconnectionAt = patch.disconnectionAt;
  if (patch.disconnectionReasonCode !== undefined) event.disconnectionReasonCode = patch.disconnectionReasonCode;
  if (patch.disconnectionObject !== undefined) event.disconnectionObject = patch.disconnectionObject;
  return event;
}
