// With signMsg, WhatsApp contacts see which agent wrote: Evolution prefixes
// `*Name:*` and a delimiter (a new line unless signDelimiter says otherwise;
// a typed "\n" in the setting means a new line).

export interface SignatureConfig {
  signMsg: boolean;
  signDelimiter: string | null;
}

export function signed(text: string, agentName: string | null, config: SignatureConfig): string {
  if (!config.signMsg || !agentName || !text) return text;
  const delimiter = config.signDelimiter ? config.signDelimiter.replaceAll('\\n', '\n') : '\n';
  return `*${agentName}:*${delimiter}${text}`;
}
