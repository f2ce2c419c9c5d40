import {
  ADMIN_PERMISSIONS,
  type AdminPermission,
  type ConnectionAccess,
  type ConnectionGrant,
} from '@pgmcp/auth-store';
import { InvalidArgumentError } from 'commander';

const UNIT_MS = { min: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 };

/**
 * When a token expires: `90min`, `12h`, `30d`, `8w`, `1y` from now; a date `2026-12-31` (valid
 * through that day, local time); an ISO time `2026-12-31T18:00:00Z`; or `never`.
 */
export function parseExpires(value: string, now = new Date()): Date | 'never' {
  const text = value.trim().toLowerCase();
  if (text === 'never') return 'never';
  const relative = /^(\d+)\s*(min|h|d|w|y)$/.exec(text);
  if (relative) {
    const amount = Number(relative[1]);
    if (amount === 0) throw new InvalidArgumentError('The expiry must be in the future.');
    return new Date(now.getTime() + amount * UNIT_MS[relative[2] as keyof typeof UNIT_MS]);
  }
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  let at: Date;
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    at = new Date(year, month - 1, date + 1);
    const check = new Date(year, month - 1, date);
    if (check.getMonth() !== month - 1 || check.getDate() !== date) {
      throw new InvalidArgumentError(`${value} is not a date.`);
    }
  } else if (/^\d{4}-\d{2}-\d{2}t/.test(text)) {
    at = new Date(value.trim());
    if (Number.isNaN(at.getTime())) throw new InvalidArgumentError(`${value} is not a valid ISO time.`);
  } else {
    throw new InvalidArgumentError(
      'Use a duration (90min, 12h, 30d, 8w, 1y), a date (2026-12-31), an ISO time (2026-12-31T18:00:00Z) or never.',
    );
  }
  if (at.getTime() <= now.getTime()) throw new InvalidArgumentError(`${value} is not in the future.`);
  return at;
}

/** A comma-separated list; `none` is the empty list (a scope that allows nothing of that kind). */
export function parseList(value: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 1 && items[0] === 'none') return [];
  if (items.length === 0) throw new InvalidArgumentError('Give a comma-separated list of names, or none.');
  return items;
}

/** `read` or `read_write` (also `rw`, `write`). */
export function parseAccess(value: string): ConnectionAccess {
  const text = value.trim().toLowerCase().replace('-', '_');
  if (text === 'read' || text === 'ro') return 'read';
  if (text === 'read_write' || text === 'rw' || text === 'write') return 'read_write';
  throw new InvalidArgumentError(`Unknown access '${value}': use read or read_write.`);
}

/** `demo:read,other:read_write` (a name alone means read), or none. */
export function parseConnectionScopes(value: string): ConnectionGrant[] {
  return parseList(value).map((item) => {
    const colon = item.lastIndexOf(':');
    if (colon < 0) return { name: item, access: 'read' };
    const name = item.slice(0, colon);
    if (!name)
      throw new InvalidArgumentError(`'${item}' names no connection: write name:read or name:read_write.`);
    return { name, access: parseAccess(item.slice(colon + 1)) };
  });
}

/** One admin permission, checked against the known ones. */
export function parseAdminPermission(value: string): AdminPermission {
  const permission = value.trim().toLowerCase().replace(/-/g, '_');
  if (!(ADMIN_PERMISSIONS as readonly string[]).includes(permission)) {
    throw new InvalidArgumentError(
      `Unknown admin permission '${value}': use ${ADMIN_PERMISSIONS.join(', ')}.`,
    );
  }
  return permission as AdminPermission;
}

/** A comma-separated list of admin permissions, or none. */
export function parseAdminPermissions(value: string): AdminPermission[] {
  return parseList(value).map(parseAdminPermission);
}

/** Collects a repeatable option's values (`--user a --user b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
