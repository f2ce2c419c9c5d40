import {
  ADMIN_PERMISSIONS,
  type AdminPermission,
  type ConnectionAccess,
  type McpItem,
  type McpItemKind,
  type Privilege,
  type TokenScope,
} from './types.js';

/** A group the user belongs to, directly or through other groups. */
export interface AccessGroup {
  readonly id: string;
  readonly name: string;
  /** Group names from the user's direct group up to this one, e.g. `['dev', 'engineering']`. */
  readonly path: readonly string[];
}

/** What an {@link Access} is computed from. */
export interface AccessInput {
  /** The user's superuser flag. */
  readonly superuser: boolean;
  /** The user's groups, transitively. */
  readonly groups: readonly AccessGroup[];
  /** Privileges of those groups, each with the name of the group that holds it. */
  readonly grants: readonly { readonly group: string; readonly privilege: Privilege }[];
  /** The registered MCP items (their public flags; the explanation lists them all). */
  readonly items: readonly McpItem[];
  /** The token's scope; undefined for sessions and unscoped tokens. */
  readonly scope?: TokenScope | undefined;
}

/** How one decision came about, for `pgmcp privileges show`. */
export interface ItemDecision {
  readonly kind: McpItemKind;
  readonly name: string;
  readonly allowed: boolean;
  readonly public: boolean;
  /** Groups that grant it. */
  readonly grantedBy: readonly string[];
  /** One line a person can read, e.g. "granted by analysts (via dev)". */
  readonly reason: string;
}

/** How the access to one connection came about. */
export interface ConnectionDecision {
  readonly name: string;
  readonly access: ConnectionAccess | undefined;
  readonly grantedBy: readonly { readonly group: string; readonly access: ConnectionAccess }[];
  readonly reason: string;
}

/** How one admin permission came about. */
export interface AdminDecision {
  readonly permission: AdminPermission;
  readonly allowed: boolean;
  readonly grantedBy: readonly string[];
  readonly reason: string;
}

/** The explanation form of an {@link Access}: every decision and which group granted what. */
export interface AccessExplanation {
  /** The user's superuser flag. */
  readonly superuser: boolean;
  /** Whether checks are bypassed (a superuser without a token scope). */
  readonly bypass: boolean;
  readonly scope: TokenScope | undefined;
  readonly groups: readonly AccessGroup[];
  /** Registered and granted items, sorted by kind and name. */
  readonly mcpItems: readonly ItemDecision[];
  /** Granted or scoped connections, sorted by name. */
  readonly connections: readonly ConnectionDecision[];
  /** Access to connections not listed in `connections` (a superuser's), if any. */
  readonly otherConnections: ConnectionAccess | undefined;
  readonly admin: readonly AdminDecision[];
}

const itemKey = (kind: string, name: string) => `${kind}\u0000${name}`;
const RANK: Record<ConnectionAccess, number> = { read: 1, read_write: 2 };
const weaker = (a: ConnectionAccess | undefined, b: ConnectionAccess | undefined) =>
  a === undefined || b === undefined ? undefined : RANK[a] <= RANK[b] ? a : b;
const stronger = (a: ConnectionAccess | undefined, b: ConnectionAccess) =>
  a === undefined || RANK[b] > RANK[a] ? b : a;

/**
 * What a principal may do, evaluated in memory (sets built once): the user's rights from their
 * groups (transitively; superusers have all) intersected with the token scope, if any. Unknown MCP
 * items are denied unless the user is a superuser; public items are allowed to everyone the scope
 * does not restrict.
 */
export class Access {
  readonly #input: AccessInput;
  readonly #items = new Map<string, string[]>();
  readonly #public = new Set<string>();
  readonly #connections = new Map<
    string,
    { access: ConnectionAccess; groups: { group: string; access: ConnectionAccess }[] }
  >();
  readonly #admin = new Map<AdminPermission, string[]>();
  readonly #scopeItems: Set<string> | undefined;
  readonly #scopeConnections: Map<string, ConnectionAccess> | undefined;
  readonly #scopeAdmin: Set<AdminPermission> | undefined;

  /** Use {@link createAccess} or {@link fullAccess}. */
  constructor(input: AccessInput) {
    this.#input = input;
    for (const item of input.items) if (item.public) this.#public.add(itemKey(item.kind, item.name));
    // Group names sorted, so explanations read the same on every dialect.
    const grants = [...input.grants].sort((a, b) => a.group.localeCompare(b.group));
    for (const { group, privilege } of grants) {
      switch (privilege.type) {
        case 'mcp_item':
          pushTo(this.#items, itemKey(privilege.kind, privilege.name), group);
          break;
        case 'connection': {
          const entry = this.#connections.get(privilege.name) ?? { access: privilege.access, groups: [] };
          entry.access = stronger(entry.access, privilege.access);
          entry.groups.push({ group, access: privilege.access });
          this.#connections.set(privilege.name, entry);
          break;
        }
        case 'admin':
          pushTo(this.#admin, privilege.permission, group);
          break;
      }
    }
    const scope = input.scope;
    this.#scopeItems =
      scope?.mcpItems && new Set(scope.mcpItems.map((item) => itemKey(item.kind, item.name)));
    this.#scopeConnections =
      scope?.connections &&
      scope.connections.reduce(
        (map, grant) => map.set(grant.name, stronger(map.get(grant.name), grant.access)),
        new Map<string, ConnectionAccess>(),
      );
    // A scoped token exercises only the admin permissions its scope names (none without the list).
    this.#scopeAdmin = scope && new Set(scope.admin ?? []);
  }

  /** True for a superuser without a token scope: every check passes. */
  get isSuperuser(): boolean {
    return this.#input.superuser && this.#input.scope === undefined;
  }

  /** Names of the user's groups, transitively (e.g. to pick per-group limits). */
  get groupNames(): readonly string[] {
    return this.groups.map((group) => group.name);
  }

  /** The user's groups, directly or through other groups. */
  get groups(): readonly AccessGroup[] {
    return this.#input.groups;
  }

  /** Whether the principal may list and use this MCP tool, resource or prompt. */
  canUseItem(kind: McpItemKind, name: string): boolean {
    const key = itemKey(kind, name);
    if (this.#scopeItems && !this.#scopeItems.has(key)) return false;
    return this.#input.superuser || this.#public.has(key) || this.#items.has(key);
  }

  /** The access to a connection: `read_write`, `read`, or undefined for none. */
  connectionAccess(name: string): ConnectionAccess | undefined {
    const own = this.#input.superuser ? 'read_write' : this.#connections.get(name)?.access;
    return this.#scopeConnections ? weaker(own, this.#scopeConnections.get(name)) : own;
  }

  /** Whether the principal holds an admin permission. */
  hasAdmin(permission: AdminPermission): boolean {
    if (this.#scopeAdmin && !this.#scopeAdmin.has(permission)) return false;
    return this.#input.superuser || this.#admin.has(permission);
  }

  /**
   * The privileges this access's groups grant (as far as its scope lets them) that `other` does not
   * hold: e.g. what joining a group would give beyond an administrator's own rights. Connection grants
   * count when they give stronger access than `other` has. Sorted by type and name.
   */
  grantsBeyond(other: Access): Privilege[] {
    const beyond: Privilege[] = [];
    for (const key of [...this.#items.keys()].sort()) {
      const [kind, name] = key.split('\u0000') as [McpItemKind, string];
      if (this.canUseItem(kind, name) && !other.canUseItem(kind, name)) {
        beyond.push({ type: 'mcp_item', kind, name });
      }
    }
    for (const name of [...this.#connections.keys()].sort()) {
      const mine = this.connectionAccess(name);
      const theirs = other.connectionAccess(name);
      if (mine !== undefined && (theirs === undefined || RANK[mine] > RANK[theirs])) {
        beyond.push({ type: 'connection', name, access: mine });
      }
    }
    for (const permission of ADMIN_PERMISSIONS) {
      if (this.#admin.has(permission) && this.hasAdmin(permission) && !other.hasAdmin(permission)) {
        beyond.push({ type: 'admin', permission });
      }
    }
    return beyond;
  }

  /** Every decision with the groups behind it. */
  explain(): AccessExplanation {
    const input = this.#input;
    const viaText = (group: string) => {
      const path = input.groups.find((g) => g.name === group)?.path ?? [];
      return path.length > 1 ? `${group} (via ${path.slice(0, -1).join(' → ')})` : group;
    };
    const grantedText = (groups: readonly string[]) => `granted by ${groups.map(viaText).join(', ')}`;

    const itemRefs = new Map<string, { kind: McpItemKind; name: string }>();
    for (const item of input.items) itemRefs.set(itemKey(item.kind, item.name), item);
    for (const { privilege } of input.grants) {
      if (privilege.type === 'mcp_item') itemRefs.set(itemKey(privilege.kind, privilege.name), privilege);
    }
    for (const item of input.scope?.mcpItems ?? []) itemRefs.set(itemKey(item.kind, item.name), item);
    const mcpItems = [...itemRefs.values()]
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name))
      .map(({ kind, name }): ItemDecision => {
        const key = itemKey(kind, name);
        const grantedBy = this.#items.get(key) ?? [];
        const isPublic = this.#public.has(key);
        const allowed = this.canUseItem(kind, name);
        const reason =
          this.#scopeItems && !this.#scopeItems.has(key)
            ? 'denied: outside the token scope'
            : input.superuser
              ? 'superuser'
              : isPublic
                ? 'public'
                : grantedBy.length > 0
                  ? grantedText(grantedBy)
                  : 'denied: not granted';
        return { kind, name, allowed, public: isPublic, grantedBy, reason };
      });

    const connectionNames = new Set([...this.#connections.keys(), ...(this.#scopeConnections?.keys() ?? [])]);
    const connections = [...connectionNames].sort().map((name): ConnectionDecision => {
      const granted = this.#connections.get(name);
      const own = input.superuser ? 'read_write' : granted?.access;
      const access = this.connectionAccess(name);
      const source = input.superuser
        ? 'superuser'
        : granted
          ? grantedText(granted.groups.map((g) => g.group))
          : '';
      const reason =
        own === undefined
          ? 'none: not granted'
          : access === undefined
            ? `none: outside the token scope (${source})`
            : access !== own
              ? `${access}: the token scope narrows ${own} (${source})`
              : `${access}: ${source}`;
      return { name, access, grantedBy: granted?.groups ?? [], reason };
    });

    const admin = ADMIN_PERMISSIONS.map((permission): AdminDecision => {
      const grantedBy = this.#admin.get(permission) ?? [];
      const allowed = this.hasAdmin(permission);
      const reason =
        this.#scopeAdmin && !this.#scopeAdmin.has(permission)
          ? 'denied: outside the token scope'
          : input.superuser
            ? 'superuser'
            : grantedBy.length > 0
              ? grantedText(grantedBy)
              : 'denied: not granted';
      return { permission, allowed, grantedBy, reason };
    });

    return {
      superuser: input.superuser,
      bypass: this.isSuperuser,
      scope: input.scope,
      groups: input.groups,
      mcpItems,
      connections,
      otherConnections: input.superuser ? (this.#scopeConnections ? undefined : 'read_write') : undefined,
      admin,
    };
  }
}

function pushTo<K>(map: Map<K, string[]>, key: K, value: string): void {
  const list = map.get(key);
  if (list) {
    if (!list.includes(value)) list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/**
 * Builds an {@link Access} from groups, grants and a scope (the store does this per request; other
 * packages' tests can use it directly).
 *
 * @example
 *   const access = createAccess({ superuser: false, groups: [{ id: 'g1', name: 'analysts', path: ['analysts'] }],
 *     grants: [{ group: 'analysts', privilege: { type: 'connection', name: 'default', access: 'read' } }], items: [] });
 *   access.connectionAccess('default'); // 'read'
 */
export function createAccess(input: AccessInput): Access {
  return new Access(input);
}

/**
 * Unrestricted access, as for a superuser: for single-user local use with auth switched off.
 *
 * @example
 *   const access = fullAccess(); // access.isSuperuser === true
 */
export function fullAccess(): Access {
  return new Access({ superuser: true, groups: [], grants: [], items: [] });
}
