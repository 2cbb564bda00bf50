// WhatsApp marks text with single characters; Chatwoot renders markdown.

const rules: Array<[RegExp, string]> = [
  // A marker pair must hug its text and stand outside words, as WhatsApp reads
  // it: `* not bold *` and snake_case_name stay as they are.
  [/(?<!\w)\*((?!\s)[^\n*]+?(?<!\s))\*(?!\w)/g, '**$1**'],
  [/(?<!\w)_((?!\s)[^\n_]+?(?<!\s))_(?!\w)/g, '*$1*'],
  [/(?<!\w)~((?!\s)[^\n~]+?(?<!\s))~(?!\w)/g, '~~$1~~'],
];

/** *bold* _italic_ ~strike~ ```code``` → **bold** *italic* ~~strike~~ `code`. */
export function whatsappToMarkdown(text: string): string {
  // Code first, and kept out of the other rules: markers inside it are literal.
  const pieces = text.split(/(```[\s\S]+?```)/);
  return pieces
    .map((piece, index) => {
      if (index % 2 === 1) {
        const code = piece.slice(3, -3);
        return code.includes('\n') ? piece : `\`${code}\``;
      }
      // Bold goes first: the italic rule reads underscores, never the stars it wrote.
      return rules.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), piece);
    })
    .join('');
}
