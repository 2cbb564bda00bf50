import { expect } from 'chai';
import { statusInstanceEvent } from '../../lib/events/status-instance.js';

describe('status.instance from a connection status change', () => {
  it('says nothing when the status stays the same', () => {
    expect(statusInstanceEvent('sales', 'connecting', 'connecting')).to.equal(null);
    expect(statusInstanceEvent('sales', 'close', 'close', { disconnectionReasonCode: 428 })).to.equal(null);
  });

  it('names the instance and the new status when it connects or opens', () => {
    expect(statusInstanceEvent('sales', 'close', 'connecting')).to.deep.equal({ instance: 'sales', status: 'connecting' });
    expect(statusInstanceEvent('sales', 'connecting', 'open', { ownerJid: '1555@s.whatsapp.net', disconnectionReasonCode: null })).to.deep.equal({
      instance: 'sales',
      status: 'open',
    });
  });

  it('carries why a connection closed, as Evolution does', () => {
    const at = '2026-11-24T10:00:00.000Z';
    const object = JSON.stringify({ code: 401, reason: 'Connection Failure' });
    expect(
      statusInstanceEvent('sales', 'open', 'close', { disconnectionReasonCode: 401, disconnectionObject: object, disconnectionAt: at }),
    ).to.deep.equal({ instance: 'sales', status: 'close', disconnectionAt: at, disconnectionReasonCode: 401, disconnectionObject: object });
  });

  it('leaves out the reasons a close does not know', () => {
    expect(statusInstanceEvent('sales', 'open', 'close')).to.deep.equal({ instance: 'sales', status: 'close' });
    expect(statusInstanceEvent('sales', 'open', 'close', { disconnectionReasonCode: 401 })).to.deep.equal({
      instance: 'sales',
      status: 'close',
      disconnectionReasonCode: 401,
    });
  });
});
