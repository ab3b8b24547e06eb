#!/usr/bin/env node
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
