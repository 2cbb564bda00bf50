import type { Knex } from 'knex';
import { ChatRepository } from './chats.js';
import { chatwootRepository } from './chatwoot.js';
import { ContactRepository } from './contacts.js';
import { EventIntegrationRepository } from './event-integrations.js';
import { InstanceRepository } from './instances.js';
import { MessageRepository } from './messages.js';
import { proxyRepository } from './proxies.js';
import { settingsRepository } from './settings.js';
import { webhookRepository } from './webhooks.js';

export function repositories(db: Knex) {
  return {
    instances: new InstanceRepository(db),
    settings: settingsRepository(db),
    proxies: proxyRepository(db),
    webhooks: webhookRepository(db),
    eventIntegrations: new EventIntegrationRepository(db),
    chatwoot: chatwootRepository(db),
    messages: new MessageRepository(db),
    contacts: new ContactRepository(db),
    chats: new ChatRepository(db),
  };
}

export type Repositories = ReturnType<typeof repositories>;
