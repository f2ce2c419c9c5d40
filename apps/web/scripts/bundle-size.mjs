#!/usr/bin/env node
// Prints how much JavaScript the browser downloads (gzipped) for the first screens, from the Vite
// manifest of the last build: the login page (the entry and its static imports) and the signed-in
// workspace (plus the workspace chunk and its static imports). Run `pnpm build` first.
// Usage: node scripts/bundle-size.mjs [--json] [--budget=250]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));
const gzip = (file) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;

/** Files a chunk needs before it runs: itself and its static imports, recursively. */
function closure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const imported of chunk.imports ?? []) closure(imported, seen);
  return seen;
}

const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
const workspace = Object.keys(manifest).find((key) => key.endsWith('workspace/workspace.tsx'));
const login = closure(entry);
const signedIn = workspace ? closure(workspace, new Set(login)) : login;
const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;
const total = (files) => kb([...files].reduce((sum, file) => sum + gzip(file), 0));
const report = {
  login_page_js_gzip_kb: total(login),
  signed_in_js_gzip_kb: total(signedIn),
  chunks: Object.values(manifest)
    .filter((c) => c.file.endsWith('.js'))
    .map((c) => ({
      file: c.file,
      gzip_kb: kb(gzip(c.file)),
      lazy: !login.has(c.file) && !signedIn.has(c.file),
    })),
};
const budget = Number(process.argv.find((a) => a.startsWith('--budget='))?.split('=')[1] ?? 250);
if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  console.log(
    `initial JavaScript (gzip): login page ${report.login_page_js_gzip_kb} kB, signed in ${report.signed_in_js_gzip_kb} kB (budget ${budget} kB)`,
  );
  for (const c of report.chunks)
    console.log(`  ${c.file.padEnd(44)} ${String(c.gzip_kb).padStart(7)} kB${c.lazy ? '  (lazy)' : ''}`);
}
if (report.signed_in_js_gzip_kb > budget) {
  console.error(`Over budget: ${report.signed_in_js_gzip_kb} kB > ${budget} kB`);
  process.exit(1);
}
