import type { Logger } from '../logger.js';
import type { InstanceRef, Supervisor } from '../supervisor/supervisor.js';

/** Long enough for WhatsApp to answer, short enough not to stall the outbox. */
const LOOKUP_TIMEOUT_MS = 5_000;

/** A WhatsApp profile picture URL, or null when there is none or it could not be learnt. */
export type ProfilePictureLookup = (instance: InstanceRef, jid: string) => Promise<string | null>;

/**
 * Asks the instance's worker for a profile picture. An avatar is a nicety: a
 * slow or absent worker yields null rather than holding up a delivery.
 */
export function workerProfilePicture(supervisor: () => Supervisor, logger: Logger, timeoutMs = LOOKUP_TIMEOUT_MS): ProfilePictureLookup {
  return async (instance, jid) => {
    try {
      const { profilePictureUrl } = await supervisor().command(instance, { kind: 'profile-picture', number: jid }, timeoutMs);
      return profilePictureUrl;
    } catch (error) {
      logger.debug({ instance: instance.name, err: error }, 'profile picture lookup failed');
      return null;
    }
  };
}
