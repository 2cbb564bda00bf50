import { expect } from 'chai';
import { rowCodec } from '../../lib/db/row-codec.js';
import { CHATWOOT_TEMPLATE } from '../../lib/instance-config/chatwoot.js';
import { WEBHOOK_TEMPLATE } from '../../lib/instance-config/webhook.js';

describe('configuration rows', () => {
  it('names columns after fields in snake_case and stores lists and maps as JSON', () => {
    const codec = rowCodec(WEBHOOK_TEMPLATE);
    const row = codec.toRow({ ...WEBHOOK_TEMPLATE, byEvents: true, headers: { a: 'b' }, events: ['CALL'] });
    expect(row).to.deep.equal({ enabled: false, url: '', headers: '{"a":"b"}', by_events: true, base64: false, events: '["CALL"]', secret: null });
  });

  it('reads back what either database returns: 0/1 booleans, numbers as text, null', () => {
    const codec = rowCodec(CHATWOOT_TEMPLATE);
    const value = codec.fromRow({
      ...codec.toRow({ ...CHATWOOT_TEMPLATE, accountId: '7', signDelimiter: '--', ignoreJids: ['x@g.us'] }),
      enabled: 1,
      sign_msg: '1',
      days_limit_import_messages: '30',
      extra_column: 'ignored',
    });
    expect(value).to.deep.equal({
      ...CHATWOOT_TEMPLATE,
      enabled: true,
      accountId: '7',
      signMsg: true,
      signDelimiter: '--',
      daysLimitImportMessages: 30,
      ignoreJids: ['x@g.us'],
    });
  });

  it('falls back to the template for unreadable JSON', () => {
    expect(rowCodec(WEBHOOK_TEMPLATE).fromRow({ headers: '{', events: null }).events).to.deep.equal([]);
  });
});
