import net, { type AddressInfo } from 'node:net';

/**
 * A real SOCKS5 proxy on loopback (RFC 1928, CONNECT only), with optional
 * username/password authentication (RFC 1929). Records each target it connected.
 */
export class Socks5Proxy {
  /** `host:port` of every CONNECT it carried out. */
  readonly seen: string[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly credentials?: { username: string; password: string }) {
    this.server = net.createServer((socket) => {
      this.track(socket);
      void this.serve(socket).catch(() => socket.destroy());
    });
  }

  static async start(credentials?: { username: string; password: string }): Promise<Socks5Proxy> {
    const proxy = new Socks5Proxy(credentials);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private async serve(socket: net.Socket): Promise<void> {
    const read = reader(socket);
    const [version, methodCount] = await read(2);
    if (version !== 5) return void socket.destroy();
    const methods = [...(await read(methodCount))];
    const wanted = this.credentials ? 0x02 : 0x00;
    if (!methods.includes(wanted)) return void socket.end(Buffer.from([5, 0xff]));
    socket.write(Buffer.from([5, wanted]));
    if (this.credentials && !(await this.authenticate(socket, read))) return;

    const [, command, , addressType] = await read(4);
    const host = await readAddress(read, addressType);
    const port = (await read(2)).readUInt16BE(0);
    if (command !== 1) return void socket.end(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
    this.seen.push(`${host}:${port}`);
    const upstream = net.connect(port, host, () => {
      socket.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
      const rest = read.rest();
      if (rest.length > 0) upstream.write(rest);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    this.track(upstream);
    upstream.on('error', () => socket.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
    socket.on('close', () => upstream.destroy());
  }

  private async authenticate(socket: net.Socket, read: Reader): Promise<boolean> {
    const [, userLength] = await read(2);
    const username = (await read(userLength)).toString();
    const [passwordLength] = await read(1);
    const password = (await read(passwordLength)).toString();
    const ok = username === this.credentials?.username && password === this.credentials?.password;
    socket.write(Buffer.from([1, ok ? 0 : 1]));
    if (!ok) socket.end();
    return ok;
  }
}

type Reader = ((n: number) => Promise<Buffer>) & { rest(): Buffer };

/** Reads exact byte counts from a socket until the handshake is over. */
function reader(socket: net.Socket): Reader {
  let buffered = Buffer.alloc(0);
  let waiting: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  const settle = () => {
    if (!waiting || buffered.length < waiting.n) return;
    const chunk = buffered.subarray(0, waiting.n);
    buffered = buffered.subarray(waiting.n);
    const { resolve } = waiting;
    waiting = null;
    resolve(chunk);
  };
  const onData = (data: Buffer) => {
    buffered = Buffer.concat([buffered, data]);
    settle();
  };
  socket.on('data', onData);
  socket.on('close', () => waiting?.reject(new Error('closed during the handshake')));
  const read = ((n: number) =>
    new Promise<Buffer>((resolve, reject) => {
      waiting = { n, resolve, reject };
      settle();
    })) as Reader;
  read.rest = () => {
    socket.off('data', onData);
    return buffered;
  };
  return read;
}

async function readAddress(read: Reader, type: number): Promise<string> {
  if (type === 1) return [...(await read(4))].join('.');
  if (type === 3) {
    const [length] = await read(1);
    return (await read(length)).toString();
  }
  const bytes = await read(16);
  return Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16)).join(':');
}
