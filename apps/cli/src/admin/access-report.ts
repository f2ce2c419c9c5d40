import type { AccessExplanation, AccessGroup } from '@pgmcp/auth-store';
import { table } from './format.js';

/** `analysts, engineering (via dev)`: the user's groups, with how the indirect ones are reached. */
export function describeGroups(groups: readonly AccessGroup[]): string {
  if (groups.length === 0) return 'none';
  return groups
    .map((group) =>
      group.path.length > 1 ? `${group.name} (via ${group.path.slice(0, -1).join(' → ')})` : group.name,
    )
    .join(', ');
}

/** A few lines saying what the principal may use, for `user show`. */
export function accessSummary(explanation: AccessExplanation): string {
  if (explanation.bypass)
    return 'superuser: every tool, resource, prompt, connection (read_write) and admin permission';
  const lines: string[] = [];
  for (const kind of ['tool', 'resource', 'prompt'] as const) {
    const names = explanation.mcpItems
      .filter((item) => item.kind === kind && item.allowed)
      .map((item) => item.name);
    lines.push(`${kind}s: ${names.join(', ') || 'none'}`);
  }
  const connections = explanation.connections
    .filter((c) => c.access !== undefined)
    .map((c) => `${c.name} (${c.access})`);
  if (explanation.otherConnections) connections.push(`any other (${explanation.otherConnections})`);
  lines.push(`connections: ${connections.join(', ') || 'none'}`);
  const admin = explanation.admin.filter((a) => a.allowed).map((a) => a.permission);
  lines.push(`admin: ${admin.join(', ') || 'none'}`);
  return lines.join('\n');
}

const yesNo = (allowed: boolean) => (allowed ? 'yes' : 'no');

/** Every decision as tables: MCP items, connections, admin permissions, each with its reason. */
export function explanationText(explanation: AccessExplanation): string {
  const sections: string[] = [];
  if (explanation.bypass) {
    sections.push('Superuser: every check passes (the rows below say so too).');
  }
  sections.push(
    explanation.mcpItems.length > 0
      ? `MCP items\n${table(
          ['kind', 'name', 'allowed', 'why'],
          explanation.mcpItems.map((item) => [item.kind, item.name, yesNo(item.allowed), item.reason]),
        )}`
      : 'MCP items\n(none registered or granted yet: the server registers its items when it starts)',
  );
  const connectionRows = explanation.connections.map((c) => [c.name, c.access ?? 'none', c.reason]);
  if (explanation.otherConnections) {
    connectionRows.push(['(any other)', explanation.otherConnections, 'superuser']);
  }
  sections.push(
    connectionRows.length > 0
      ? `Connections\n${table(['name', 'access', 'why'], connectionRows)}`
      : 'Connections\n(none granted)',
  );
  sections.push(
    `Admin permissions\n${table(
      ['permission', 'allowed', 'why'],
      explanation.admin.map((a) => [a.permission, yesNo(a.allowed), a.reason]),
    )}`,
  );
  return sections.join('\n\n');
}

/** The explanation for --json: the REST API's form. */
export { explanationJson } from '@pgmcp/auth-store';
