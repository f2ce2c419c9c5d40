import { parseAuditTime } from '@pgmcp/api-contract';
import { RestError } from '../errors/rest-error.js';
import { auditEventJson } from '@pgmcp/auth-store';
import type { ServerAudit } from '../audit.js';
import { isAdministrator } from '../mcp-state.js';
import type { RouteHandlers } from './register-routes.js';

/** What the activity log route needs. */
export interface AuditRouteDeps {
  audit?: ServerAudit;
}

/** `GET /api/v1/audit`: the caller's own activity, everyone's for administrators. */
export function auditRoutes(deps: AuditRouteDeps): RouteHandlers<'listAudit'> {
  return {
    listAudit: async ({ caller, query }) => {
      const all = caller.kind === 'local' || isAdministrator(caller.access);
      if (
        !all &&
        query.user !== undefined &&
        query.user.toLowerCase() !== caller.user.username.toLowerCase()
      ) {
        throw new RestError(
          'FORBIDDEN',
          "Seeing other users' activity needs an admin permission; leave out user.",
        );
      }
      const since = query.since === undefined ? undefined : parseAuditTime(query.since);
      const until = query.until === undefined ? undefined : parseAuditTime(query.until);
      if (since && until && since.getTime() >= until.getTime()) {
        throw new RestError('BAD_REQUEST', 'Invalid query: since must be before until.');
      }
      if (!deps.audit) return { events: [], scope: all ? 'all' : 'own' };
      // Records of this replica still being written are part of the answer (read your own writes).
      await deps.audit.flush();
      const events = await deps.audit.log.list({
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
        ...(all ? (query.user ? { username: query.user } : {}) : { userId: caller.user.id }),
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.outcome ? { outcome: query.outcome } : {}),
        ...(query.connection ? { connection: query.connection } : {}),
        limit: query.limit ?? 100,
      });
      return { events: events.map(auditEventJson), scope: all ? 'all' : 'own' };
    },
  };
}
