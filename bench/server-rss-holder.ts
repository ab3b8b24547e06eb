/**
 * The server measured by server-rss.ts (run with --expose-gc, forked with IPC): `iotopia up` as
 * the bench profile starts it (every role, SQLite in a data directory). With `--init` it starts,
 * stops and exits (the database and keys exist then, for server-rss.ts to register devices into).
 * Otherwise it sends { url, memory } once started, answers 'rss' with its memory after a
 * collection, and stops on 'close'. Argument: the data directory.
 */
import { resolveConfig } from '../src/server/platform/config.ts';
import { startPlatform } from '../src/server/platform/platform.ts';

const [dataDir = '', init] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const memory = () => {
  gc();
  const m = process.memoryUsage();
  const mib = (n: number) => Math.round(n / 2 ** 20);
  return {
    rssMiB: mib(m.rss),
    heapTotalMiB: mib(m.heapTotal),
    heapUsedMiB: mib(m.heapUsed),
    externalMiB: mib(m.external),
    arrayBuffersMiB: mib(m.arrayBuffers),
  };
};
const send = (m: unknown) => process.send?.(m);

const platform = await startPlatform(resolveConfig(['bench', { listen: '127.0.0.1:0', dataDir, logLevel: 'silent' }]));
if (init === '--init') {
  await platform.close();
  process.exit(0);
}
send({ url: platform.url, ...memory() });
process.on('message', (m) => {
  if (m === 'rss') send(memory());
  if (m === 'close') void platform.close().then(() => process.exit(0));
});
