import type { McpItemRef } from '@pgmcp/auth-store';
import { suggestion } from '@pgmcp/config';
import type { AdminContext } from './admin-context.js';

/**
 * Warns about MCP items the store has not registered: the server registers its real items when it
 * starts, so an unknown name is either a typo or an item of a server that has not run yet.
 */
export async function warnAboutUnknownItems(ctx: AdminContext, refs: readonly McpItemRef[]): Promise<void> {
  if (refs.length === 0) return;
  const items = await ctx.store.listMcpItems();
  for (const ref of refs) {
    if (items.some((item) => item.kind === ref.kind && item.name === ref.name)) continue;
    const known = items.filter((item) => item.kind === ref.kind).map((item) => item.name);
    ctx.warn(
      `the store does not know the ${ref.kind} '${ref.name}' yet.${suggestion(ref.name, known)} ` +
        'The server registers its items when it starts; pgmcp privileges items lists the known ones.',
    );
  }
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
