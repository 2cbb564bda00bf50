// The parts of a link preview that are plain text rules: which URL a text
// links to, and what a page says about itself (Open Graph tags, else <title>).

export interface PagePreview {
  title: string;
  description?: string;
  /** The page's own URL for itself (og:url), when it gives one. */
  canonicalUrl?: string;
}

/** The first http(s) URL in a text, without the punctuation that ends a sentence. */
export function firstUrl(text: string): string | undefined {
  const match = /\bhttps?:\/\/[^\s<>"']+/i.exec(text);
  return match?.[0].replace(/[.,;:!?)\]}]+$/, '');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function attributes(tag: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of tag.matchAll(/([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g)) {
    found.set(match[1].toLowerCase(), decodeEntities(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  return found;
}

const clean = (text: string | undefined) => text?.replace(/\s+/g, ' ').trim() || undefined;

/** What a page's head says about it; undefined without a title (WhatsApp shows none then). */
export function pagePreview(html: string): PagePreview | undefined {
  const meta = new Map<string, string>();
  for (const [tag] of html.matchAll(/<meta\b[^>]*>/gi)) {
    const attrs = attributes(tag);
    const name = (attrs.get('property') ?? attrs.get('name'))?.toLowerCase();
    const content = attrs.get('content');
    if (name && content !== undefined && !meta.has(name)) meta.set(name, content);
  }
  const titleTag = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const title = clean(meta.get('og:title') ?? meta.get('twitter:title') ?? (titleTag ? decodeEntities(titleTag) : undefined));
  if (!title) return undefined;
  const description = clean(meta.get('og:description') ?? meta.get('twitter:description') ?? meta.get('description'));
  const canonicalUrl = clean(meta.get('og:url'));
  return { title, ...(description ? { description } : {}), ...(canonicalUrl ? { canonicalUrl } : {}) };
}
