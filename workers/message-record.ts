import { getContentType, getDevice, normalizeMessageContent, proto, toNumber, type WAMessage } from '@whiskeysockets/baileys';
import type { MessageRecord } from '../lib/messages/types.js';

/** Baileys' numeric delivery status, in the words Evolution clients read. */
const STATUS_NAMES: Record<number, string> = {
  0: 'ERROR',
  1: 'PENDING',
  2: 'SERVER_ACK',
  3: 'DELIVERY_ACK',
  4: 'READ',
  5: 'PLAYED',
};

export function statusName(status: number | null | undefined): string {
  return STATUS_NAMES[status ?? 1] ?? 'PENDING';
}

/** The proto content as JSON: longs as numbers, bytes as base64, no defaults. */
export function messageJson(content: proto.IMessage | null | undefined): Record<string, unknown> {
  if (!content) return {};
  return proto.Message.toObject(proto.Message.fromObject(content), { longs: Number, bytes: String, enums: String }) as Record<
    string,
    unknown
  >;
}

/** A Baileys message as the API, the store and the events show it. */
export function messageRecord(message: WAMessage, instanceId: string): MessageRecord {
  const content = normalizeMessageContent(message.message);
  const type = getContentType(content) ?? 'unknown';
  const json = messageJson(message.message);
  const inner = content?.[type as keyof proto.IMessage] as { contextInfo?: proto.IContextInfo } | undefined;
  const key = message.key;
  return {
    key: {
      remoteJid: key.remoteJid ?? '',
      fromMe: Boolean(key.fromMe),
      id: key.id ?? '',
      ...(key.participant ? { participant: key.participant } : {}),
      ...(key.remoteJidAlt ? { remoteJidAlt: key.remoteJidAlt } : {}),
      ...(key.participantAlt ? { participantAlt: key.participantAlt } : {}),
    },
    pushName: message.pushName ?? null,
    // Baileys leaves the status of received messages unset: they reached this device.
    status: message.status == null && !key.fromMe ? 'DELIVERY_ACK' : statusName(message.status),
    message: json,
    messageType: type,
    messageTimestamp: toNumber(message.messageTimestamp ?? 0),
    instanceId,
    source: getDevice(key.id ?? ''),
    contextInfo: inner?.contextInfo ? (proto.ContextInfo.toObject(proto.ContextInfo.fromObject(inner.contextInfo), { longs: Number, bytes: String }) as Record<string, unknown>) : null,
  };
}
