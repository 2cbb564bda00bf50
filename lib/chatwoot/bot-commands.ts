// Commands an agent types into the bot contact's conversation drive the
// instance, as in Evolution: init (connect and show the QR), status,
// disconnect (log out), clearcache. Answers are posted by the bot.
import type { Instance } from '../db/instances.js';
import { connect, logout, type ConnectionDeps } from '../instances/connection.js';
import type { ChatwootClient } from './client.js';
import { postAsBot, type BotPost } from './bot-conversation.js';

export type BotCommand =
  | { kind: 'init'; number: string | null }
  | { kind: 'status' }
  | { kind: 'disconnect' }
  | { kind: 'clearcache' };

/** The command an agent typed, or null for any other text. Evolution accepts the Portuguese words too. */
export function parseBotCommand(text: string): BotCommand | null {
  const command = text.trim().replace(/^\//, '').toLowerCase();
  if (command.startsWith('init') || command.startsWith('iniciar')) {
    // `init:5511…` asks for a pairing code for that number instead of a QR.
    const number = command.split(':')[1]?.replace(/\D/g, '') || null;
    return { kind: 'init', number };
  }
  if (command === 'status') return { kind: 'status' };
  if (command === 'disconnect' || command === 'desconectar') return { kind: 'disconnect' };
  if (command === 'clearcache') return { kind: 'clearcache' };
  return null;
}

export interface BotCommandContext {
  deps: ConnectionDeps;
  instance: Instance;
  client: ChatwootClient;
  conversationId: number;
  inboxName: string;
}

/** Runs the command and posts its answer; init and disconnect only with CHATWOOT_BOT_CONTACT on. */
export async function runBotCommand(command: BotCommand, context: BotCommandContext): Promise<void> {
  const { deps, instance, client, conversationId, inboxName } = context;
  const say = async (post: BotPost) => {
    const posted = await postAsBot(client, conversationId, post);
    if (!posted.ok) deps.logger.warn({ instance: instance.name, error: posted.error }, 'could not answer in the bot conversation');
  };
  const botContact = deps.config.chatwoot.botContact;
  switch (command.kind) {
    case 'init': {
      if (!botContact) return;
      if (instance.connectionStatus === 'open') {
        await say({ content: `🚨 ${inboxName} instance is connected.` });
        return;
      }
      const view = await connect(deps, instance, command.number ?? undefined);
      // The QR itself reaches this conversation as a bot notice (qrcode.updated), like every later one.
      if (!view.qr) await say({ content: `⚠️ ${inboxName} instance status: *${view.state}*.` });
      return;
    }
    case 'status':
      await say({ content: `⚠️ ${inboxName} instance status: *${instance.connectionStatus}*.` });
      return;
    case 'disconnect':
      if (!botContact) return;
      await say({ content: `🚨 Disconnecting WhatsApp from inbox *${inboxName}*.` });
      await logout(deps, instance);
      return;
    case 'clearcache':
      // Nothing is cached between webhooks here; the answer is Evolution's.
      await say({ content: `✅ ${inboxName} instance cache cleared.` });
      return;
  }
}
