#!/usr/bin/env node
// The `pgmcp` command. Checks the Node.js version before loading anything that needs a newer one.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`pgmcp needs Node.js 20.19 or newer; this is ${process.versions.node}.\n`);
  process.exit(1);
}
const { runCli } = await import('../dist/index.js');
process.exitCode = await runCli(process.argv);
