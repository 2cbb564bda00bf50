// Meta's statuses of messages the business sent, in the words a Baileys
// instance reports delivery with (workers/message-record.ts statusName).
type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const STATUS_NAMES: Record<string, string> = {
  sent: 'SERVER_ACK',
  delivered: 'DELIVERY_ACK',
  read: 'READ',
  played: 'PLAYED',
  failed: 'ERROR',
};

/** Why Meta could not deliver a message (status `failed`). */
export interface StatusError {
  code: number;
  title: string;
  message?: string;
  details?: string;
}

export interface StatusChange {
  key: { id: string; remoteJid: string; fromMe: true };
  status: string;
  errors?: StatusError[];
}

function errorsOf(value: unknown): StatusError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const errors = value.filter(isObject).map((e) => {
    const details = isObject(e.error_data) && typeof e.error_data.details === 'string' ? e.error_data.details : undefined;
    return {
      code: Number(e.code),
      title: String(e.title ?? ''),
      ...(typeof e.message === 'string' ? { message: e.message } : {}),
      ...(details ? { details } : {}),
    };
  });
  return errors.length > 0 ? errors : undefined;
}

/** The status changes of a `messages` change, in Meta's order; unknown statuses are left out. */
export function statusChanges(value: Json): StatusChange[] {
  const statuses = Array.isArray(value.statuses) ? value.statuses.filter(isObject) : [];
  const changes: StatusChange[] = [];
  for (const item of statuses) {
    const status = STATUS_NAMES[String(item.status)];
    const id = typeof item.id === 'string' ? item.id : '';
    const recipient = typeof item.recipient_id === 'string' ? item.recipient_id.replace(/\D/g, '') : '';
    if (!status || !id || !recipient) continue;
    const errors = errorsOf(item.errors);
    changes.push({ key: { id, remoteJid: `${recipient}@s.whatsapp.net`, fromMe: true }, status, ...(errors ? { errors } : {}) });
  }
  return changes;
}
