import type { AccessExplanation } from './access.js';

/**
 * The JSON form of an access explanation (snake_case, like the REST API): the one shape of
 * `GET /api/v1/privileges/explain` and `pgmcp privileges show --json`.
 */
export function explanationJson(explanation: AccessExplanation) {
  return {
    superuser: explanation.superuser,
    bypass: explanation.bypass,
    groups: explanation.groups.map((g) => ({ name: g.name, path: [...g.path] })),
    mcp_items: explanation.mcpItems.map((item) => ({
      kind: item.kind,
      name: item.name,
      allowed: item.allowed,
      public: item.public,
      granted_by: [...item.grantedBy],
      reason: item.reason,
    })),
    connections: explanation.connections.map((c) => ({
      name: c.name,
      access: c.access ?? null,
      granted_by: c.grantedBy.map((g) => ({ group: g.group, access: g.access })),
      reason: c.reason,
    })),
    other_connections: explanation.otherConnections ?? null,
    admin: explanation.admin.map((a) => ({
      permission: a.permission,
      allowed: a.allowed,
      granted_by: [...a.grantedBy],
      reason: a.reason,
    })),
  };
}
