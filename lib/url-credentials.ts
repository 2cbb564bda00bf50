// Passwords travel inside URLs: webhook URLs, broker URIs, database URLs.
// Wherever such a URL is shown (logs, stored error texts), the secret is
// replaced and the rest kept, so that the line still says where it went.

export const REDACTED = '***';

// scheme://userinfo@ — a valid URL percent-encodes "@", "/", "?", "#" and
// whitespace inside its userinfo; quotes and backslashes end a URL quoted in
// JSON text.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s@/?#"'\\]+)@/gi;

/**
 * `text` with the credentials of every URL in it replaced: `user:password@`
 * keeps the user, a lone `token@` (NATS token auth, API tokens) goes entirely.
 */
export function redactUrlCredentials(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(USERINFO, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon === -1 ? `${scheme}${REDACTED}@` : `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
  });
}
