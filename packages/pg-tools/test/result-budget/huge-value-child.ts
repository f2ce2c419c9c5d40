/**
 * Runs in a child process (a crash must not take vitest with it): calls query_database with
 * values of hundreds of megabytes through the real registry, then a small query on the same
 * session key, and prints one JSON line per step with the process's resident memory.
 *
 *   tsx --conditions=@pgmcp/source huge-value-child.ts <postgres-url>
 */
import { createMcpRegistry } from '@pgmcp/mcp-core';
import { createPoolManager } from '@pgmcp/pool-manager';
import { createMemoryConnectionStore, type PgToolsState, registerPgTools } from '../../src/index.js';

const url = process.argv[2];
if (!url) throw new Error('usage: huge-value-child.ts <postgres-url>');
const pools = createPoolManager({ connections: [{ name: 'main', url }] });
const registry = createMcpRegistry<PgToolsState>({ identity: { name: 'pgmcp', version: 'test' } });
registerPgTools(registry, { pools, sessions: createMemoryConnectionStore() });
const context = {
  principal: { id: 'child', name: 'child', kind: 'user' as const },
  sessionKey: 'child',
  state: {},
  signal: new AbortController().signal,
};
const rss = () => Math.round(process.memoryUsage().rss / (1024 * 1024));

async function step(label: string, query: string): Promise<void> {
  const before = rss();
  const started = performance.now();
  const result = await registry.callTool('query_database', { query }, context);
  const block = result.content[0];
  const text = block?.type === 'text' ? block.text : '';
  console.log(
    JSON.stringify({
      label,
      isError: result.isError === true,
      text: text.slice(0, 600),
      answerBytes: Buffer.byteLength(text),
      rssBeforeMiB: before,
      rssAfterMiB: rss(),
      ms: Math.round(performance.now() - started),
    }),
  );
}

await step('200 MB', "SELECT repeat('xxxxxxxxxx', 20000000) AS big");
await step('540 MB', "SELECT repeat('x', 540000000) AS big");
await step('after', 'SELECT 41 + 1 AS answer');
await pools.close();
