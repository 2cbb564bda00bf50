// The instance's Chatwoot inbox: where its conversations are mirrored.
import { digitsOnly } from '../phone-number.js';
import type { CreateInstanceBody } from '../schemas/instance.js';
import type { SetChatwootBody } from '../schemas/chatwoot.js';

export interface ChatwootConfig {
  enabled: boolean;
  accountId: string;
  token: string;
  /** Without a trailing slash. */
  url: string;
  nameInbox: string;
  signMsg: boolean;
  signDelimiter: string | null;
  number: string | null;
  reopenConversation: boolean;
  conversationPending: boolean;
  mergeBrazilContacts: boolean;
  importContacts: boolean;
  importMessages: boolean;
  daysLimitImportMessages: number;
  organization: string | null;
  logo: string | null;
  ignoreJids: string[];
}

export const DEFAULT_DAYS_LIMIT_IMPORT_MESSAGES = 60;

/** Every field with its type: how a configuration is stored (lib/db/row-codec.ts). */
export const CHATWOOT_TEMPLATE: Readonly<ChatwootConfig> = Object.freeze({
  enabled: false,
  accountId: '',
  token: '',
  url: '',
  nameInbox: '',
  signMsg: false,
  signDelimiter: null,
  number: null,
  reopenConversation: false,
  conversationPending: false,
  mergeBrazilContacts: false,
  importContacts: false,
  importMessages: false,
  daysLimitImportMessages: DEFAULT_DAYS_LIMIT_IMPORT_MESSAGES,
  organization: null,
  logo: null,
  ignoreJids: [],
});

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

/** Create takes Chatwoot as flat `chatwoot*` fields; the schema requires account, token and url together. */
export function chatwootFromCreate(body: CreateInstanceBody): ChatwootConfig | null {
  const { chatwootAccountId: accountId, chatwootToken: token, chatwootUrl: url } = body;
  if (accountId === undefined || token === undefined || url === undefined) return null;
  return {
    enabled: true,
    accountId: String(accountId),
    token,
    url: withoutTrailingSlash(url),
    nameInbox: body.chatwootNameInbox ?? body.instanceName,
    signMsg: body.chatwootSignMsg ?? false,
    signDelimiter: null,
    number: body.number ? digitsOnly(body.number) : null,
    reopenConversation: body.chatwootReopenConversation ?? false,
    conversationPending: body.chatwootConversationPending ?? false,
    mergeBrazilContacts: body.chatwootMergeBrazilContacts ?? false,
    importContacts: body.chatwootImportContacts ?? false,
    importMessages: body.chatwootImportMessages ?? false,
    daysLimitImportMessages: body.chatwootDaysLimitImportMessages ?? DEFAULT_DAYS_LIMIT_IMPORT_MESSAGES,
    organization: body.chatwootOrganization ?? null,
    logo: body.chatwootLogo ?? null,
    ignoreJids: [],
  };
}

/**
 * A set updates the configuration: fields left out keep their value. An empty
 * account, token or url switches Chatwoot off and forgets that field.
 */
export function chatwootFromSet(
  body: SetChatwootBody,
  current: Readonly<ChatwootConfig> | undefined,
  instanceName: string,
  blank: ReadonlySet<string>,
): ChatwootConfig {
  const keep = <K extends keyof ChatwootConfig>(field: K, given: ChatwootConfig[K] | undefined, fallback: ChatwootConfig[K]) =>
    given !== undefined ? given : current ? current[field] : fallback;
  const text = (field: 'accountId' | 'token' | 'url', given: string | undefined) =>
    blank.has(field) ? '' : keep(field, given, '');
  const signMsg = keep('signMsg', body.signMsg, false);
  return {
    enabled: body.enabled ?? false,
    accountId: text('accountId', body.accountId === undefined ? undefined : String(body.accountId)),
    token: text('token', body.token),
    url: withoutTrailingSlash(text('url', body.url)),
    nameInbox: body.nameInbox ?? current?.nameInbox ?? instanceName,
    signMsg,
    // A delimiter only means something when messages are signed.
    signDelimiter: signMsg ? keep('signDelimiter', body.signDelimiter, null) : null,
    number: body.number !== undefined ? digitsOnly(body.number) : (current?.number ?? null),
    reopenConversation: keep('reopenConversation', body.reopenConversation, false),
    conversationPending: keep('conversationPending', body.conversationPending, false),
    mergeBrazilContacts: keep('mergeBrazilContacts', body.mergeBrazilContacts, false),
    importContacts: keep('importContacts', body.importContacts, false),
    importMessages: keep('importMessages', body.importMessages, false),
    daysLimitImportMessages: keep('daysLimitImportMessages', body.daysLimitImportMessages, DEFAULT_DAYS_LIMIT_IMPORT_MESSAGES),
    organization: keep('organization', body.organization, null),
    logo: keep('logo', body.logo, null),
    ignoreJids: body.ignoreJids ? [...body.ignoreJids] : [...(current?.ignoreJids ?? [])],
  };
}

/** Where Chatwoot posts its events for this instance. */
export function chatwootWebhookUrl(serverUrl: string, instanceName: string): string {
  return `${serverUrl}/chatwoot/webhook/${encodeURIComponent(instanceName)}`;
}

export function chatwootView(config: Readonly<ChatwootConfig>, serverUrl: string, instanceName: string) {
  return {
    enabled: config.enabled,
    accountId: config.accountId,
    token: config.token,
    url: config.url,
    nameInbox: config.nameInbox,
    signMsg: config.signMsg,
    signDelimiter: config.signDelimiter,
    number: config.number,
    reopenConversation: config.reopenConversation,
    conversationPending: config.conversationPending,
    mergeBrazilContacts: config.mergeBrazilContacts,
    importContacts: config.importContacts,
    importMessages: config.importMessages,
    daysLimitImportMessages: config.daysLimitImportMessages,
    organization: config.organization,
    logo: config.logo,
    ignoreJids: config.ignoreJids,
    webhookUrl: chatwootWebhookUrl(serverUrl, instanceName),
  };
}

/** Evolution answers `find` for an unconfigured Chatwoot with this empty shape rather than null. */
export const CHATWOOT_UNSET_VIEW = Object.freeze({
  enabled: false,
  url: '',
  accountId: '',
  token: '',
  signMsg: false,
  nameInbox: '',
  webhook_url: '',
});
