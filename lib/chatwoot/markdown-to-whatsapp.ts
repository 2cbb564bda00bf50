// Chatwoot's editor writes markdown; WhatsApp marks text with single
// characters. The inverse of markdown.ts, with Evolution's rules.

const rules: Array<[RegExp, string]> = [
  // Single stars first: the bold rule below writes single stars of its own.
  [/(?<!\*)\*((?!\s)[^\n*]+?(?<!\s))\*(?!\*)/g, '_$1_'],
  [/\*\*((?!\s)[^\n*]+?(?<!\s))\*\*/g, '*$1*'],
  [/~~((?!\s)[^\n~]+?(?<!\s))~~/g, '~$1~'],
];

/** **bold** *italic* _italic_ ~~strike~~ `code` → *bold* _italic_ _italic_ ~strike~ ```code```. */
export function markdownToWhatsapp(text: string): string {
  // Code is cut out first and kept as it is: markers inside it are literal.
  const pieces = text.split(/(```[\s\S]+?```|`[^`\n]+`)/);
  return pieces
    .map((piece, index) => {
      if (index % 2 === 1) return piece.startsWith('```') ? piece : `\`\`\`${piece.slice(1, -1)}\`\`\``;
      return rules.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), piece);
    })
    .join('');
}
