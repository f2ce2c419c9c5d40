import type { McpItemRef } from '@pgmcp/auth-store';
import { suggestion } from '@pgmcp/config';
import { openSqlDatabase } from '@pgmcp/sql-store';
import { sql } from 'kysely';
import type { AdminContext } from './admin-context.js';
import { CliError } from './cli-error.js';

/**
 * Refuses MCP items the store has not registered, or with `warnOnly` warns and goes on. The server
 * registers its real items when it starts, so an unknown name is a typo, or an item of a server
 * that has not run yet, which only `--force` may grant.
 */
export async function checkItemsKnown(
  ctx: AdminContext,
  refs: readonly McpItemRef[],
  { warnOnly }: { warnOnly: boolean },
): Promise<void> {
  if (refs.length === 0) return;
  const items = await ctx.store.listMcpItems();
  const problems = refs
    .filter((ref) => !items.some((item) => item.kind === ref.kind && item.name === ref.name))
    .map((ref) => {
      const known = items.filter((item) => item.kind === ref.kind).map((item) => item.name);
      return `the store does not know the ${ref.kind} '${ref.name}'.${suggestion(ref.name, known)}`;
    });
  if (problems.length === 0) return;
  const why = 'The server registers its items when it starts; pgmcp privileges items lists the known ones.';
  if (warnOnly) {
    for (const problem of problems) ctx.warn(`${problem} ${why}`);
    return;
  }
  throw new CliError(
    `${problems.map((p) => p[0]!.toUpperCase() + p.slice(1)).join('\n')}\n${why} ` +
      'Nothing was changed; to grant an item of a server that has not started yet, add --force.',
  );
}

/** Connection names the configuration defines (the embedded demo is `demo` when none is configured). */
function configuredConnections(ctx: AdminContext): string[] {
  const { config } = ctx.loaded;
  const names = config.connections.map((c) => c.name);
  if (config.database_url) names.unshift('default');
  return names.length > 0 ? names : ['demo'];
}

/** Names of the connections stored at runtime (none before a server or `pgmcp connection add` created the table). */
async function storedConnections(ctx: AdminContext): Promise<string[]> {
  const database = await openSqlDatabase({ url: ctx.loaded.storeUrl });
  try {
    const { rows } = await sql<{ name: string }>`select name from conn_connections`.execute(database.kysely);
    return rows.map((row) => row.name);
  } catch {
    return [];
  } finally {
    await database.close();
  }
}

/** Warns about connection names neither this configuration nor the store defines (the server's may differ). */
export async function warnAboutUnknownConnections(
  ctx: AdminContext,
  names: readonly string[],
): Promise<void> {
  if (names.length === 0) return;
  const known = [...configuredConnections(ctx), ...(await storedConnections(ctx))];
  const source = ctx.loaded.file ?? 'the configuration (no config file was read)';
  for (const name of names) {
    if (known.includes(name)) continue;
    ctx.warn(
      `${source} defines no connection '${name}' (known: ${known.join(', ')}).${suggestion(name, known)}`,
    );
  }
}
