import type { Knex } from 'knex';
import type { ChatwootConfig } from '../instance-config/chatwoot.js';
import { InstanceConfigTable } from './instance-config-table.js';
import { bool, jsonOr, str, strOrNull, type Row } from './rows.js';

export function chatwootRepository(db: Knex): InstanceConfigTable<ChatwootConfig> {
  return new InstanceConfigTable<ChatwootConfig>(
    db,
    'chatwoot_configs',
    (c) => ({
      enabled: c.enabled,
      account_id: c.accountId,
      token: c.token,
      url: c.url,
      name_inbox: c.nameInbox,
      sign_msg: c.signMsg,
      sign_delimiter: c.signDelimiter,
      number: c.number,
      reopen_conversation: c.reopenConversation,
      conversation_pending: c.conversationPending,
      merge_brazil_contacts: c.mergeBrazilContacts,
      import_contacts: c.importContacts,
      import_messages: c.importMessages,
      days_limit_import_messages: c.daysLimitImportMessages,
      organization: c.organization,
      logo: c.logo,
      ignore_jids: JSON.stringify(c.ignoreJids),
    }),
    (r: Row) => ({
      enabled: bool(r.enabled),
      accountId: str(r.account_id),
      token: str(r.token),
      url: str(r.url),
      nameInbox: str(r.name_inbox),
      signMsg: bool(r.sign_msg),
      signDelimiter: strOrNull(r.sign_delimiter),
      number: strOrNull(r.number),
      reopenConversation: bool(r.reopen_conversation),
      conversationPending: bool(r.conversation_pending),
      mergeBrazilContacts: bool(r.merge_brazil_contacts),
      importContacts: bool(r.import_contacts),
      importMessages: bool(r.import_messages),
      daysLimitImportMessages: Number(r.days_limit_import_messages),
      organization: strOrNull(r.organization),
      logo: strOrNull(r.logo),
      ignoreJids: jsonOr<string[]>(r.ignore_jids, []),
    }),
  );
}
