/**
 * A stand-in for the MUD manager's device API: an HTTPS server run as a child process (so it can
 * live in a network namespace) that prints each request as one JSON line and answers 201 / 204.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface SeenRequest {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

const SERVER = `
const fs = require('node:fs');
const [cert, key, logFile] = process.argv.slice(1);
const s = require('node:https').createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (req, res) => {
  let body = '';
  req.on('data', (b) => { body += b; });
  req.on('end', () => {
    const line = JSON.stringify({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
    if (logFile) fs.appendFileSync(logFile, line + String.fromCharCode(10));
    console.log(line);
    res.writeHead(req.method === 'POST' ? 201 : 204, { 'content-type': 'application/json' });
    res.end(req.method === 'POST' ? '{}' : '');
  });
});
s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: s.address().port })));
`;

export interface ApiStandIn {
  url: string;
  /** Resolves with the next request (waiting at most `limitMs`). */
  next(limitMs: number): Promise<SeenRequest>;
  stop(): void;
}

/** Starts the server, in namespace `netns` when given (via `ip netns exec`). */
export async function startApiStandIn(certFile: string, keyFile: string, netns?: string, logFile = ''): Promise<ApiStandIn> {
  const argv = ['-e', SERVER, certFile, keyFile, logFile];
  const child: ChildProcess =
    netns === undefined
      ? spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] })
      : spawn('ip', ['netns', 'exec', netns, process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
  const queue: SeenRequest[] = [];
  const waiters: ((r: SeenRequest) => void)[] = [];
  let onPort: (port: number) => void = () => {};
  const port = new Promise<number>((ok, fail) => {
    onPort = ok;
    child.once('exit', (code) => fail(new Error(`the API stand-in exited ${code}`)));
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const v = JSON.parse(line) as SeenRequest & { port?: number };
    if (v.port !== undefined) return onPort(v.port);
    const w = waiters.shift();
    if (w !== undefined) w(v);
    else queue.push(v);
  });
  const p = await port;
  return {
    url: `https://127.0.0.1:${p}`,
    next(limitMs) {
      const ready = queue.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      return new Promise((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`no request within ${limitMs} ms`)), limitMs);
        waiters.push((r) => {
          clearTimeout(timer);
          ok(r);
        });
      });
    },
    stop() {
      child.kill();
    },
  };
}
