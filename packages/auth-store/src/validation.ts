import { AuthStoreError } from './errors.js';
import {
  ADMIN_PERMISSIONS,
  MCP_ITEM_KINDS,
  type AdminPermission,
  type ConnectionAccess,
  type McpItemRef,
  type Privilege,
  type TokenScope,
} from './types.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

const invalid = (message: string) => new AuthStoreError('INVALID_INPUT', message);

/** A user or group name: 1–64 characters, letters, digits and `. _ @ -`, not starting with punctuation. */
export function checkName(what: 'username' | 'group name', value: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64 || !NAME.test(value)) {
    throw invalid(
      `The ${what} must be 1 to 64 characters: letters, digits, '.', '_', '@' or '-', starting with a letter or digit.`,
    );
  }
  return value;
}

/** The case-insensitive key a name is unique under. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/** Optional free text (display name, description, note): at most `max` characters; empty means none. */
export function checkText(what: string, value: string | null | undefined, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(`The ${what} must be text.`);
  const trimmed = value.trim();
  if (trimmed.length > max) throw invalid(`The ${what} must be at most ${max} characters.`);
  return trimmed === '' ? null : trimmed;
}

/** Optional e-mail address. */
export function checkEmail(value: string | null | undefined): string | null {
  const email = checkText('email', value, 254);
  if (email !== null && !EMAIL.test(email)) throw invalid(`The email '${email}' is not an e-mail address.`);
  return email;
}

/** A kind + name reference to an MCP item. */
export function checkItemRef(item: McpItemRef): McpItemRef {
  if (!MCP_ITEM_KINDS.includes(item.kind)) {
    throw invalid(`Unknown MCP item kind '${String(item.kind)}': use ${MCP_ITEM_KINDS.join(', ')}.`);
  }
  if (typeof item.name !== 'string' || item.name.length === 0 || item.name.length > 256) {
    throw invalid(`The ${item.kind} name must be 1 to 256 characters.`);
  }
  return { kind: item.kind, name: item.name };
}

/** A connection name. */
export function checkConnectionName(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 128) {
    throw invalid('The connection name must be 1 to 128 characters.');
  }
  return name;
}

/** Optional database name on a connection. */
export function checkDatabaseName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || name.length === 0 || name.length > 128) {
    throw invalid('The database name must be 1 to 128 characters.');
  }
  return name;
}

export function checkAccess(access: ConnectionAccess): ConnectionAccess {
  if (access !== 'read' && access !== 'read_write') {
    throw invalid(`Unknown connection access '${String(access)}': use read or read_write.`);
  }
  return access;
}

export function checkPermission(permission: AdminPermission): AdminPermission {
  if (!ADMIN_PERMISSIONS.includes(permission)) {
    throw invalid(`Unknown admin permission '${String(permission)}': use ${ADMIN_PERMISSIONS.join(', ')}.`);
  }
  return permission;
}

/** A privilege, normalised to its fields. */
export function checkPrivilege(privilege: Privilege): Privilege {
  switch (privilege.type) {
    case 'mcp_item':
      return { type: 'mcp_item', ...checkItemRef(privilege) };
    case 'connection':
      return {
        type: 'connection',
        name: checkConnectionName(privilege.name),
        access: checkAccess(privilege.access),
      };
    case 'admin':
      return { type: 'admin', permission: checkPermission(privilege.permission) };
    default:
      throw invalid(
        `Unknown privilege type '${String((privilege as { type: unknown }).type)}': use mcp_item, connection or admin.`,
      );
  }
}

/** A token scope, normalised (fields left out stay out). */
export function checkScope(scope: TokenScope): TokenScope {
  const result: { -readonly [K in keyof TokenScope]: TokenScope[K] } = {};
  if (scope.mcpItems !== undefined) result.mcpItems = scope.mcpItems.map(checkItemRef);
  if (scope.connections !== undefined) {
    result.connections = scope.connections.map((grant) => ({
      name: checkConnectionName(grant.name),
      access: checkAccess(grant.access),
    }));
  }
  if (scope.admin !== undefined) result.admin = scope.admin.map(checkPermission);
  if (scope.api !== undefined) {
    result.api = scope.api.map((part) => {
      if (typeof part !== 'string' || !/^[a-z][a-z_:]{0,39}$/.test(part)) {
        throw invalid(
          `Invalid API part '${String(part)}' in a token scope: use names such as tokens, conversations or llm.`,
        );
      }
      return part;
    });
  }
  return result;
}

/** A positive duration or expiry in the future. */
export function checkFuture(what: string, at: Date, now: Date): Date {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw invalid(`The ${what} must be a valid date.`);
  if (at.getTime() <= now.getTime()) throw invalid(`The ${what} must be in the future.`);
  return at;
}
