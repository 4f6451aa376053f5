/**
 * An HTTP server on 127.0.0.1 (a free port) for the fetch tests, closed with
 * everything it and its clients opened: its connections, the keep-alive
 * sockets the fetching side pooled for it, and its own listening handle.
 */
import { createServer, globalAgent, type RequestListener } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LocalServer {
  /** `http://127.0.0.1:PORT/` */
  base: string;
  close(): Promise<void>;
}

const closed = (s: Socket) => (s.closed ? Promise.resolve() : new Promise<void>((r) => s.once('close', () => r())));

export async function localServer(handler: RequestListener): Promise<LocalServer> {
  const server = createServer(handler);
  const accepted = new Set<Socket>();
  server.on('connection', (s) => {
    accepted.add(s);
    s.once('close', () => accepted.delete(s));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/`,
    async close() {
      const done = new Promise<void>((r) => server.close(() => r()));
      // The client side: sockets the global agent keeps alive for this server.
      const pooled = Object.entries(globalAgent.freeSockets)
        .filter(([key]) => key.startsWith(`127.0.0.1:${port}:`))
        .flatMap(([, list]) => list ?? []) as Socket[];
      for (const s of pooled) s.destroy();
      const open = [...accepted];
      for (const s of open) s.destroy();
      await Promise.all([done, ...pooled.map(closed), ...open.map(closed)]);
      // server.close() calls back before libuv has closed the handles; their
      // close callbacks run after this turn's setImmediate, so wait two.
      for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
    },
  };
}
