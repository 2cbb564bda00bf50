/** Page size when a client gives none (or 0), as in Evolution v2. */
export const DEFAULT_PAGE_SIZE = 50;

export interface MessagePaging {
  /** Pages are numbered from 1. */
  page: number;
  pageSize: number;
}

/**
 * findMessages paging as Evolution v2 reads it: `offset` is the page size, not
 * a number of records to skip, and 0 or absent means the default of 50; page
 * 0 or absent is the first page.
 */
export function messagePaging(body: { page?: number; offset?: number }): MessagePaging {
  return { page: body.page || 1, pageSize: body.offset || DEFAULT_PAGE_SIZE };
}
