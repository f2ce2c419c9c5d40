import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VERSIONED_MANIFEST_SCHEMAS } from '@anthropic-ai/mcpb/schemas';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';

// The descriptions other tools read: the MCPB manifest (Claude Desktop's bundle format) against the
// schema the official `@anthropic-ai/mcpb` package validates with, and server.json (the MCP registry
// entry) against the registry's published JSON schema (packaging/README.md says where it comes from).

const root = path.join(import.meta.dirname, '../../..');
const readJson = (file: string) =>
  JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;
const cliVersion = (readJson('apps/cli/package.json') as { version: string }).version;

interface Manifest {
  manifest_version: keyof typeof VERSIONED_MANIFEST_SCHEMAS;
  version: string;
  server: { mcp_config: { args: string[]; env: Record<string, string> } };
  user_config: Record<string, { sensitive?: boolean; required?: boolean }>;
}
const manifest = readJson('packaging/mcpb/manifest.json') as unknown as Manifest;

describe('packaging/mcpb/manifest.json', () => {
  const schema = VERSIONED_MANIFEST_SCHEMAS[manifest.manifest_version];

  it('is a valid MCPB manifest of the version it declares, for this release', () => {
    const result = schema.safeParse(manifest);
    expect(result.error?.issues ?? []).toEqual([]);
    expect(manifest.version).toBe(cliVersion);
  });

  it('asks for the database URL as a required, sensitive field and passes it in the environment', () => {
    expect(manifest.user_config.database_url).toMatchObject({ required: true, sensitive: true });
    const { args, env } = manifest.server.mcp_config;
    expect(args.slice(1)).toEqual(['serve', '--stdio']);
    expect(env).toEqual({ PGMCP_DATABASE_URL: '${user_config.database_url}' });
    expect(args.join(' ')).not.toContain('user_config');
  });

  it('is refused by the same schema when broken (the check can fail)', () => {
    const { server: _server, ...withoutServer } = manifest;
    expect(schema.safeParse(withoutServer).success).toBe(false);
    const badField = { ...manifest.user_config.database_url, type: 'password' };
    expect(schema.safeParse({ ...manifest, user_config: { database_url: badField } }).success).toBe(false);
  });
});

describe('server.json (MCP registry)', () => {
  const serverJson = readJson('server.json');
  const schema = readJson('packaging/mcp-registry/server.schema.json');
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);

  it('is valid against the registry schema it names', () => {
    expect(serverJson.$schema).toBe(schema.$id);
    validate(serverJson);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('points at this release of the npm package over stdio with the database URL as a secret', () => {
    expect(serverJson.version).toBe(cliVersion);
    expect(serverJson.packages).toEqual([
      expect.objectContaining({
        registryType: 'npm',
        identifier: 'pgmcp',
        version: cliVersion,
        transport: { type: 'stdio' },
        environmentVariables: [
          expect.objectContaining({ name: 'PGMCP_DATABASE_URL', isRequired: true, isSecret: true }),
        ],
      }),
    ]);
  });

  it('is refused by the schema when broken (the check can fail)', () => {
    const [pkg] = serverJson.packages as Record<string, unknown>[];
    expect(validate({ ...serverJson, packages: [{ ...pkg, version: 'latest' }] })).toBe(false);
    expect(validate({ ...serverJson, name: 'no-namespace' })).toBe(false);
    expect(validate({ ...serverJson, description: 'x'.repeat(101) })).toBe(false);
  });
});
