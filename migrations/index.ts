import type { Knex } from 'knex';
import * as initial from './20261124000001_initial.js';
import * as brokerNames from './20261201000001_broker_names.js';
import * as chatwootLinks from './20261210000001_chatwoot_links.js';
import * as chatwootReplies from './20261215000001_chatwoot_replies.js';
import * as chatwootLinksOwned from './20261215000002_chatwoot_links_owned.js';
import * as labels from './20261220000001_labels.js';
import * as messageUpdates from './20261220000002_message_updates.js';
import * as templates from './20261227000001_templates.js';
import * as metaCallbacks from './20261228000001_meta_callbacks.js';
import * as metaCallbackFailures from './20261229000001_meta_callback_failures.js';

// Every migration, in order. Listed explicitly so the same code runs from
// TypeScript sources and from the compiled dist/ without file globbing.
export const migrations: ReadonlyArray<readonly [string, Knex.Migration]> = [
  ['20261124000001_initial', initial],
  ['20261201000001_broker_names', brokerNames],
  ['20261210000001_chatwoot_links', chatwootLinks],
  ['20261215000001_chatwoot_replies', chatwootReplies],
  ['20261215000002_chatwoot_links_owned', chatwootLinksOwned],
  ['20261220000001_labels', labels],
  ['20261220000002_message_updates', messageUpdates],
  ['20261227000001_templates', templates],
  ['20261228000001_meta_callbacks', metaCallbacks],
  ['20261229000001_meta_callback_failures', metaCallbackFailures],
];
