import { expect } from 'chai';
import { DEFAULT_PAGE_SIZE, messagePaging } from '../../lib/messages/message-paging.js';

describe('messagePaging', () => {
  it('reads offset as the page size, as Evolution does', () => {
    expect(messagePaging({ page: 3, offset: 20 })).to.deep.equal({ page: 3, pageSize: 20 });
  });

  it('takes offset 0 or none as the default page size', () => {
    expect(messagePaging({ page: 1, offset: 0 })).to.deep.equal({ page: 1, pageSize: DEFAULT_PAGE_SIZE });
    expect(messagePaging({})).to.deep.equal({ page: 1, pageSize: 50 });
  });

  it('takes page 0 or none as the first page', () => {
    expect(messagePaging({ page: 0, offset: 10 })).to.deep.equal({ page: 1, pageSize: 10 });
    expect(messagePaging({ offset: 10 })).to.deep.equal({ page: 1, pageSize: 10 });
  });
});
