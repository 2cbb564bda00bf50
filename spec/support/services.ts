import net from 'node:net';

/** Whether something accepts TCP connections at host:port. */
export function reachable(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * For a `before` hook: when the service does not answer, the suite fails under
 * CI=true and is skipped with the reason otherwise.
 */
export async function requireService(context: Mocha.Context, name: string, host: string, port: number): Promise<void> {
  if (await reachable(host, port)) return;
  const reason = `${name} is not reachable at ${host}:${port} (start it with ../shared/services.sh)`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`      skipped: ${reason}`);
  context.skip();
}

export const RABBITMQ = { host: '127.0.0.1', port: 5672, uri: 'amqp://guest:guest@127.0.0.1:5672' };
export const NATS = { host: '127.0.0.1', port: 4222, uri: 'nats://127.0.0.1:4222' };
