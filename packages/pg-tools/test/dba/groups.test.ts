import { createMcpRegistry } from '@pgmcp/mcp-core';
import { createPoolManager } from '@pgmcp/pool-manager';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createMemoryConnectionStore,
  PG_PROMPT_NAMES,
  PG_TOOL_GROUP_NAMES,
  PG_TOOL_GROUPS,
  type PgToolGroup,
  PgToolsError,
  type PgToolsState,
  registerPgTools,
} from '../../src/index.js';
import { dbaHarness } from './harness.js';

// Nothing here connects: tools/list needs no database.
const connections = [{ name: 'main', url: 'postgres://nobody@127.0.0.1:1/none' }];
const harnesses: ReturnType<typeof dbaHarness>[] = [];
afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.close()));
});

async function listed(disabledGroups?: PgToolGroup[]): Promise<string[]> {
  const harness = dbaHarness(connections, disabledGroups ? { disabledGroups } : {});
  harnesses.push(harness);
  const client = await harness.client();
  return (await client.listTools()).tools.map((t) => t.name);
}

const CORE = [
  'count_rows',
  'execute_explain',
  'get_schema_info',
  'list_database_connections',
  'query_database',
  'read_resource',
  'select_database_connection',
  'test_query',
];

describe('single tools, resources and prompts switched by name', () => {
  it('switches a tool on over its group and others off, and tools/list, resources and prompts follow', async () => {
    const harness = dbaHarness(connections, {
      disabledGroups: ['query', 'dba', 'semantic'],
      switches: {
        tools: { count_rows: true, execute_explain: false },
        resources: { 'pg://system_info': false },
        prompts: { 'design-schema': false, 'explore-database': true },
      },
    });
    harnesses.push(harness);
    const client = await harness.client();
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
      'count_rows',
      'get_schema_info',
      'list_database_connections',
      'read_resource',
      'select_database_connection',
    ]);
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['pg://connection_info']);
    expect((await client.listPrompts()).prompts.map((p) => p.name).sort()).toEqual([
      'diagnose-query-issue',
      'explore-database',
      'setup-semantic-search',
    ]);
    await expect(
      client.callTool({ name: 'execute_explain', arguments: { query: 'SELECT 1' } }),
    ).rejects.toThrow(/Unknown tool "execute_explain"/);
    await expect(client.getPrompt({ name: 'design-schema', arguments: {} })).rejects.toThrow(/design-schema/);
    const read = await client.callTool({ name: 'read_resource', arguments: { uri: 'pg://system_info' } });
    expect(read.isError).toBe(true);
    expect(JSON.stringify(read.content)).toMatch(/Unknown resource pg:\/\/system_info/);
  });

  it('refuses a name pg-tools does not register, naming the valid ones', () => {
    const registry = createMcpRegistry<PgToolsState>({ identity: { name: 'pgmcp', version: 'test' } });
    const pools = createPoolManager({ connections });
    try {
      expect(() =>
        registerPgTools(registry, {
          pools,
          sessions: createMemoryConnectionStore(),
          switches: { prompts: { 'explore-db': false } },
        }),
      ).toThrow(
        `Unknown prompt "explore-db" in switches.prompts; the prompts are ${[...PG_PROMPT_NAMES].join(', ')}.`,
      );
    } finally {
      void pools.close();
    }
  });
});

describe('tool groups', () => {
  it('lists every tool by default, each with a group', async () => {
    const names = await listed();
    expect(names).toEqual(
      [
        ...CORE,
        'analyze_db_health',
        'generate_embedding',
        'get_active_queries',
        'get_locks',
        'get_top_queries',
        'recommend_indexes',
        'similarity_search',
      ].sort(),
    );
    // The monitoring group needs a datastore (options.monitoring); apps/server's monitoring test lists it.
    const withoutMonitoring = Object.entries(PG_TOOL_GROUPS).filter(([, group]) => group !== 'monitoring');
    expect(withoutMonitoring.map(([name]) => name).sort()).toEqual(names);
  });

  it('shrinks tools/list when groups are switched off', async () => {
    expect(await listed(['dba', 'semantic'])).toEqual(CORE);
    expect(await listed(['query', 'explain'])).not.toEqual(expect.arrayContaining(['query_database']));
    const withoutQuery = await listed(['query']);
    expect(withoutQuery).not.toContain('count_rows');
    expect(withoutQuery).toContain('get_top_queries');
  });

  it('makes switched-off tools uncallable', async () => {
    const harness = dbaHarness(connections, { disabledGroups: ['dba'] });
    harnesses.push(harness);
    const client = await harness.client();
    await expect(client.callTool({ name: 'get_locks', arguments: {} })).rejects.toThrow(/get_locks/);
  });

  it('rejects an unknown group, naming the valid ones', () => {
    const registry = createMcpRegistry<PgToolsState>({ identity: { name: 'pgmcp', version: 'test' } });
    const pools = createPoolManager({ connections });
    let error: unknown;
    try {
      registerPgTools(registry, {
        pools,
        sessions: createMemoryConnectionStore(),
        disabledGroups: ['dba', 'analytics' as PgToolGroup],
      });
    } catch (e) {
      error = e;
    } finally {
      void pools.close();
    }
    expect(error).toBeInstanceOf(PgToolsError);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS' });
    expect((error as Error).message).toBe(
      `Unknown tool group "analytics" in disabledGroups; the groups are ${PG_TOOL_GROUP_NAMES.join(', ')}.`,
    );
  });
});
