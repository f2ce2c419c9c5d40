import type { ApiToken, Group, TokenScope, User } from '@pgmcp/auth-store';

/** Columns padded to their widest cell, two spaces apart, headers in capitals; no trailing blanks. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join('\n');
}

/** Label/value lines with the values aligned, for `show` commands. */
export function fields(entries: readonly (readonly [string, string])[]): string {
  const width = Math.max(...entries.map(([label]) => label.length));
  return entries
    .map(([label, value]) => `${label.padEnd(width)}  ${value.replace(/\n/g, `\n${' '.repeat(width + 2)}`)}`)
    .join('\n');
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A time for people, in the local time zone: `2026-11-21 14:05`. */
export function formatTime(date: Date | undefined, none = 'never'): string {
  if (!date) return none;
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
}

/** `' (Ann Smith)'`-style suffixes only when the value exists. */
const optional = (value: string | undefined, before: string, after: string) =>
  value ? `${before}${value}${after}` : '';

/** `ann (Ann Smith) <ann@example.com>` */
export function describeUser(user: User): string {
  return `${user.username}${optional(user.displayName, ' (', ')')}${optional(user.email, ' <', '>')}`;
}

/** What kind of account: superuser, service account or user. */
export function userKind(user: User): string {
  const kinds = [user.superuser ? 'superuser' : '', user.serviceAccount ? 'service account' : ''].filter(
    Boolean,
  );
  return kinds.length > 0 ? kinds.join(', ') : 'user';
}

/** Whether the account is locked now. */
export function isLocked(user: User, now: Date): boolean {
  return user.lockedUntil !== undefined && user.lockedUntil.getTime() > now.getTime();
}

/** enabled / disabled / locked. */
export function userStatus(user: User, now: Date): string {
  if (!user.enabled) return 'disabled';
  return isLocked(user, now) ? 'locked' : 'enabled';
}

/** active / expired / suspended (owner disabled). */
export function tokenStatus(token: ApiToken, owner: User | undefined, now: Date): string {
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (owner && !owner.enabled) return 'suspended';
  return 'active';
}

const listOrNone = (names: readonly string[]) => (names.length > 0 ? names.join(',') : 'none');

/** A token scope in one line: `tools query_database; connections demo:read` or `full (the owner's rights)`. */
export function describeScope(scope: TokenScope | undefined): string {
  if (!scope) return "full (the owner's rights)";
  const parts: string[] = [];
  if (scope.mcpItems) {
    if (scope.mcpItems.length === 0) parts.push('MCP items none');
    for (const kind of ['tool', 'resource', 'prompt'] as const) {
      const names = scope.mcpItems.filter((item) => item.kind === kind).map((item) => item.name);
      if (names.length > 0) parts.push(`${kind}s ${names.join(',')}`);
    }
  }
  if (scope.connections) {
    parts.push(`connections ${listOrNone(scope.connections.map((c) => `${c.name}:${c.access}`))}`);
  }
  if (scope.admin) parts.push(`admin ${listOrNone(scope.admin)}`);
  return parts.length > 0 ? parts.join('; ') : "full (the owner's rights)";
}

/** A user for --json output (snake_case, ISO times, like the REST API). */
export function userJson(user: User, now: Date) {
  return {
    id: user.id,
    username: user.username,
    display_name: user.displayName ?? null,
    email: user.email ?? null,
    enabled: user.enabled,
    superuser: user.superuser,
    service_account: user.serviceAccount,
    has_password: user.hasPassword,
    locked: isLocked(user, now),
    locked_until: isLocked(user, now) ? user.lockedUntil!.toISOString() : null,
    failed_attempts: user.failedAttempts,
    created_at: user.createdAt.toISOString(),
    last_login_at: user.lastLoginAt?.toISOString() ?? null,
  };
}

/** A token scope for --json output. */
export function scopeJson(scope: TokenScope | undefined) {
  if (!scope) return null;
  return {
    ...(scope.mcpItems ? { mcp_items: scope.mcpItems.map(({ kind, name }) => ({ kind, name })) } : {}),
    ...(scope.connections
      ? { connections: scope.connections.map(({ name, access }) => ({ name, access })) }
      : {}),
    ...(scope.admin ? { admin: [...scope.admin] } : {}),
  };
}

/** An API token's record for --json output (never the secret). */
export function tokenJson(token: ApiToken, owner: User | undefined, now: Date) {
  return {
    id: token.id,
    user_id: token.userId,
    username: owner?.username ?? null,
    note: token.note ?? null,
    prefix: token.prefix,
    status: tokenStatus(token, owner, now),
    scope: scopeJson(token.scope),
    created_at: token.createdAt.toISOString(),
    expires_at: token.expiresAt?.toISOString() ?? null,
    last_used_at: token.lastUsedAt?.toISOString() ?? null,
  };
}

/** A group for --json output. */
export function groupJson(group: Group) {
  return {
    id: group.id,
    name: group.name,
    description: group.description ?? null,
    created_at: group.createdAt.toISOString(),
  };
}
