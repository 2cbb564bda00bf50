import type { Knex } from 'knex';
import { ChatRepository } from './chats.js';
import { ChatwootLinkRepository } from './chatwoot-links.js';
import { ChatwootReplyRepository } from './chatwoot-replies.js';
import { configTables } from './config-tables.js';
import { ContactRepository } from './contacts.js';
import { EventIntegrationRepository } from './event-integrations.js';
import { InstanceRepository } from './instances.js';
import { LabelRepository } from './labels.js';
import { MessageUpdateRepository } from './message-updates.js';
import { MessageRepository } from './messages.js';
import { TemplateRepository } from './templates.js';

export function repositories(db: Knex) {
  return {
    instances: new InstanceRepository(db),
    ...configTables(db),
    eventIntegrations: new EventIntegrationRepository(db),
    messages: new MessageRepository(db),
    messageUpdates: new MessageUpdateRepository(db),
    contacts: new ContactRepository(db),
    chats: new ChatRepository(db),
    labels: new LabelRepository(db),
    chatwootLinks: new ChatwootLinkRepository(db),
    chatwootReplies: new ChatwootReplyRepository(db),
    templates: new TemplateRepository(db),
  };
}

export type Repositories = ReturnType<typeof repositories>;
