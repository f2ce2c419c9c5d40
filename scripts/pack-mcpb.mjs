#!/usr/bin/env node
// Builds pgmcp.mcpb, the desktop-extension bundle for Claude Desktop (MCPB), from the packed npm
// package: `node scripts/pack-mcpb.mjs [out-dir] [--tarball pgmcp-<version>.tgz]` → <out-dir>/pgmcp.mcpb.
// Without --tarball it packs one first (scripts/pack-npm.mjs; build before, see there).
//
// The bundle is packaging/mcpb/manifest.json beside the npm package installed with its production
// dependencies (npm, from the registry): Claude Desktop runs it with its own Node.js and asks the
// user for the database URL (a sensitive field, kept in the OS keychain), which reaches pgmcp as
// PGMCP_DATABASE_URL rather than as an argument other users could read in the process list.
// Native dependencies (better-sqlite3, @node-rs/bcrypt) are built for this machine, so a bundle
// serves the platform it was packed on; its manifest says so.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const tarballAt = args.indexOf('--tarball');
let tarball = tarballAt >= 0 ? path.resolve(args.splice(tarballAt, 2)[1] ?? '') : undefined;
const out = path.resolve(args[0] ?? path.join(root, 'dist-npm'));
const stage = path.join(out, 'mcpb');

function fail(message) {
  process.stderr.write(`pack-mcpb: ${message}\n`);
  process.exit(1);
}
const log = (message) => process.stderr.write(`pack-mcpb: ${message}\n`);

mkdirSync(out, { recursive: true });
if (!tarball) {
  log('packing the npm package (scripts/pack-npm.mjs)');
  tarball = execFileSync(process.execPath, [path.join(root, 'scripts/pack-npm.mjs'), out], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .at(-1);
}
const version = /pgmcp-(.+)\.tgz$/.exec(path.basename(tarball ?? ''))?.[1];
if (!version) fail(`--tarball must name a pgmcp-<version>.tgz (got ${tarball})`);

const manifest = JSON.parse(readFileSync(path.join(root, 'packaging/mcpb/manifest.json'), 'utf8'));
if (manifest.version !== version)
  fail(`packaging/mcpb/manifest.json has version ${manifest.version}, the package ${version}: update it.`);
manifest.compatibility = { ...manifest.compatibility, platforms: [process.platform] };

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
writeFileSync(path.join(stage, 'package.json'), '{ "private": true }\n');
log(`installing ${path.basename(tarball)} with its production dependencies (npm)`);
execFileSync(
  'npm',
  [
    'install',
    '--omit=dev',
    '--omit=peer',
    '--no-audit',
    '--no-fund',
    '--no-package-lock',
    '--loglevel=error',
    tarball,
  ],
  { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] },
);
rmSync(path.join(stage, 'package.json'));
writeFileSync(path.join(stage, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

// The official packer validates the manifest against its schema before it writes the bundle.
const mcpbRoot = path.dirname(
  path.dirname(createRequire(path.join(root, 'apps/cli/package.json')).resolve('@anthropic-ai/mcpb')),
);
const bundle = path.join(out, 'pgmcp.mcpb');
rmSync(bundle, { force: true });
log('mcpb pack');
execFileSync(process.execPath, [path.join(mcpbRoot, 'dist/cli/cli.js'), 'pack', stage, bundle], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
process.stdout.write(`${bundle}\n`);
