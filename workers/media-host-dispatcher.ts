import { DEF_MEDIA_HOST } from '@whiskeysockets/baileys';
import { Agent, buildConnector } from 'undici';

/** The dispatcher type of Node's fetch, which Baileys hands its `options` to. */
type FetchDispatcher = NonNullable<RequestInit['dispatcher']>;

/**
 * An HTTP dispatcher that sends requests for WhatsApp's default media host to
 * `hostPort` instead, and every other request where its URL says. Baileys
 * downloads history sync chunks from that default host (only their path is
 * sent); a test server serves them elsewhere.
 */
export function mediaHostDispatcher(hostPort: string): FetchDispatcher {
  const { hostname, port } = new URL(`https://${hostPort}`);
  const connector = buildConnector({});
  const agent = new Agent({
    connect: (options, callback) =>
      options.hostname === DEF_MEDIA_HOST
        ? // No SNI name: the server's certificate is checked against the host given here.
          connector({ ...options, host: hostPort, hostname, port: port || '443', servername: undefined }, callback)
        : connector(options, callback),
  });
  // undici's own types and the copy Node's fetch is typed with differ in detail; the runtime interface is the same.
  return agent as unknown as FetchDispatcher;
}
