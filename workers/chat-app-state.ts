import { isJidGroup, type WASocket } from '@whiskeysockets/baileys';
import type { LastMessage } from '../lib/supervisor/protocol.js';
import { CommandError } from './command-error.js';

/**
 * Chat state kept in WhatsApp's app state (archived, unread, labels): each
 * change is a patch the account's other devices and its phone sync.
 */
export class ChatAppState {
  constructor(private readonly socket: () => WASocket) {}

  async archive(jid: string, last: LastMessage, archive: boolean): Promise<void> {
    await this.socket().chatModify({ archive, lastMessages: [lastMessageOf(last)] }, jid);
  }

  async markUnread(jid: string, last: LastMessage): Promise<void> {
    await this.socket().chatModify({ markRead: false, lastMessages: [lastMessageOf(last)] }, jid);
  }

  async label(jid: string, labelId: string, action: 'add' | 'remove'): Promise<void> {
    const socket = this.socket();
    if (action === 'add') await socket.addChatLabel(jid, labelId);
    else await socket.removeChatLabel(jid, labelId);
  }
}

/** WhatsApp wants the author of a group message someone else sent: refused here rather than by the patch builder. */
function lastMessageOf(last: LastMessage) {
  const { key, messageTimestamp } = last;
  if (isJidGroup(key.remoteJid) && !key.fromMe && !key.participant) {
    throw new CommandError('invalid', 'lastMessage.key.participant is required for a group message not sent by this instance');
  }
  return { key: { ...key }, messageTimestamp };
}
