import { Agent, buildConnector } from 'undici';

/** The dispatcher type of Node's fetch, which Baileys hands its `options` to. */
type FetchDispatcher = NonNullable<RequestInit['dispatcher']>;

/**
 * An HTTP dispatcher that connects every request to `hostPort`, whatever the
 * URL's host. Baileys downloads history sync chunks from WhatsApp's default
 * media host (only their path is sent); a test server serves them elsewhere.
 */
export function mediaHostDispatcher(hostPort: string): FetchDispatcher {
  const { hostname, port } = new URL(`https://${hostPort}`);
  const connector = buildConnector({});
  const agent = new Agent({
    // No SNI name: the server's certificate is checked against the host given here.
    connect: (options, callback) => connector({ ...options, host: hostPort, hostname, port: port || '443', servername: undefined }, callback),
  });
  // undici's own types and the copy Node's fetch is typed with differ in detail; the runtime interface is the same.
  return agent as unknown as FetchDispatcher;
}
