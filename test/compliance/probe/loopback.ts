/** Real TCP listeners on loopback for the scanner tests, and a port that refuses connections. */
import { createServer, type Server } from 'node:net';

export interface Listeners {
  ports: number[];
  close(): Promise<void>;
}

/** `count` listeners on random ports of `host`; each accepted connection is ended at once. */
export async function listen(count: number, host = '127.0.0.1'): Promise<Listeners> {
  const servers: Server[] = [];
  for (let i = 0; i < count; i++) {
    const s = createServer((c) => {
      c.on('error', () => {});
      c.end();
    });
    await new Promise<void>((ok, fail) => {
      s.once('error', fail);
      s.listen(0, host, ok);
    });
    servers.push(s);
  }
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  return { ports, close: () => Promise.all(servers.map((s) => new Promise<void>((ok) => s.close(() => ok())))).then(() => {}) };
}

/** A port nothing listens on: bound once by the system's choice, then closed. */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const l = await listen(1, host);
  await l.close();
  return l.ports[0] as number;
}
