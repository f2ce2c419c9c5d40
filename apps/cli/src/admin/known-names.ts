import type { McpItemRef } from '@pgmcp/auth-store';
import type { AdminContext } from './admin-context.js';

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** ` Did you mean x?` when a known name is close to `name`. */
function didYouMean(name: string, known: readonly string[]): string {
  const best = known
    .map((candidate) => ({ candidate, d: distance(name.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)[0];
  return best && best.d <= Math.max(2, Math.floor(name.length / 4)) ? ` Did you mean ${best.candidate}?` : '';
}

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
      `the store does not know the ${ref.kind} '${ref.name}' yet.${didYouMean(ref.name, known)} ` +
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
      `${source} defines no connection '${name}' (known: ${known.join(', ')}).${didYouMean(name, known)}`,
    );
  }
}
