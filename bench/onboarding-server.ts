/**
 * The server side of the onboarding benchmark: `iotopia up` in its own process (as in production),
 * with an IPC channel through which the benchmark asks for its CPU time, so that the server's cost
 * per device is measured apart from the simulated devices'.
 */
import { resolveConfig } from '../src/server/platform/config.ts';
import { startPlatform } from '../src/server/platform/platform.ts';

const [dataDir, database] = process.argv.slice(2);
if (dataDir === undefined || process.send === undefined)
  throw new TypeError('usage: node bench/onboarding-server.ts DATA_DIR [DATABASE_URL] (with an IPC channel)');
const platform = await startPlatform(
  resolveConfig(
    ['bench', { listen: '127.0.0.1:0', dataDir, logLevel: 'silent', ...(database === undefined ? {} : { database }) }],
    [
      // The keystore variant: the benchmark sets these (a SoftHSM2 token) and the PIN in the environment.
      'environment',
      {
        keystore: process.env.IOTOPIA_KEYSTORE,
        pkcs11Module: process.env.IOTOPIA_PKCS11_MODULE,
        pkcs11Token: process.env.IOTOPIA_PKCS11_TOKEN,
        tls: process.env.IOTOPIA_TLS,
      },
    ],
  ),
);
process.on('message', (m) => {
  if (m === 'cpu') process.send?.({ cpu: process.cpuUsage(), rssBytes: process.memoryUsage().rss });
  if (m === 'stop') void platform.close().then(() => process.exit(0));
});
process.send({ url: platform.url, ...(platform.tls?.caFile === undefined ? {} : { caFile: platform.tls.caFile }) });
