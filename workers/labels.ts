import type { BaileysEventMap } from '@whiskeysockets/baileys';
import type { InboundContext } from './inbound.js';

type LabelEditEvent = BaileysEventMap['labels.edit'];
type LabelAssociationEvent = BaileysEventMap['labels.association'];

/**
 * A label the account's phone (or another of its devices) created, changed or
 * deleted: kept for findLabels, and sent on as Evolution sends it.
 */
export async function onLabelEdit(context: InboundContext, label: LabelEditEvent): Promise<void> {
  if (label.deleted) {
    context.store.record({ kind: 'labels-remove', labelIds: [label.id] });
  } else {
    const stored = { labelId: label.id, name: label.name, color: String(label.color), predefinedId: label.predefinedId ?? null };
    context.store.record({ kind: 'labels-upsert', labels: [stored] });
  }
  context.emit('LABELS_EDIT', {
    id: label.id,
    name: label.name,
    color: label.color,
    deleted: Boolean(label.deleted),
    ...(label.predefinedId ? { predefinedId: label.predefinedId } : {}),
    instance: context.instanceName,
  });
}

/** A label put on a chat (or message) or taken off, in Evolution's flat shape. */
export async function onLabelAssociation(context: InboundContext, event: LabelAssociationEvent): Promise<void> {
  const { association, type } = event;
  context.emit('LABELS_ASSOCIATION', { instance: context.instanceName, type, chatId: association.chatId, labelId: association.labelId });
}
