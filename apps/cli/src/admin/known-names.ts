import type { McpItemRef } from '@pgmcp/auth-store';
import { suggestion } from '@pgmcp/config';
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

/** Warns about connection names this configuration does not define (the server's may differ). */
export function warnAboutUnknownConnections(ctx: AdminContext, names: readonly string[]): void {
  const known = configuredConnections(ctx);
  const source = ctx.loaded.file ?? 'the configuration (no config file was read)';
  for (const name of names) {
    if (known.includes(name)) continue;
    ctx.warn(
      `${source} defines no connection '${name}' (known: ${known.join(', ')}).${suggestion(name, known)}`,
    );
  }
}
