#!/usr/bin/env -S node --max-semi-space-size=16
// A young generation of at most 16 MiB per semi-space: V8 otherwise sizes it by the machine's
// memory, and a server with a large fleet then holds far more than it uses (docs/device-api.md).
// The `iotopia` command. The sources are TypeScript run by Node's type stripping (Node 24+).
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `iotopia needs Node.js 24 or newer (this is ${process.version}).\n` +
      'In a checkout, run it through npm (`npx iotopia`, `npm start`): npm puts the pinned Node 24 from node_modules first on PATH.\n',
  );
  process.exit(2);
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
