import { parseAuditTime, type TIMELINE_TYPES } from '@pgmcp/api-contract';
import { type Alerter, isBlackoutActive } from '@pgmcp/alerter';
import type { Notifier } from '@pgmcp/notifier';
import type { PoolManager } from '@pgmcp/pool-manager';
import type { Caller } from '../auth/caller.js';
import { RestError } from '../errors/rest-error.js';
import { alertJson, blackoutJson, overrideInput, ruleInput, ruleJson, timelineJson } from './alert-json.js';
import type { RouteHandlers } from './register-routes.js';

/** The alerter and the notifier, both on the metrics datastore. */
export interface Alerting {
  alerter: Alerter;
  notifier: Notifier;
}

/** What the alerting routes need. */
export interface AlertRouteDeps {
  /** Absent without a metrics datastore: every alerting route answers 503 saying what to set. */
  alerting?: Alerting;
  pools: Pick<PoolManager, 'listConnections' | 'findConnection'>;
}

type AlertRouteName =
  | 'listAlerts'
  | 'getAlert'
  | 'acknowledgeAlert'
  | 'listAlertRules'
  | 'createAlertRule'
  | 'updateAlertRule'
  | 'deleteAlertRule'
  | 'setAlertRuleOverride'
  | 'setAlertRuleChannels'
  | 'listBlackouts'
  | 'createBlackout'
  | 'endBlackout'
  | 'listNotificationChannels'
  | 'createNotificationChannel'
  | 'getNotificationChannel'
  | 'updateNotificationChannel'
  | 'deleteNotificationChannel'
  | 'testNotificationChannel'
  | 'listChannelDeliveries'
  | 'getTimeline';

const DAY_MS = 86_400_000;

/** A numeric id from the path; anything else names nothing (404). */
function numericId(value: string | undefined, what: string): number {
  const id = Number(value);
  if (!value || !Number.isSafeInteger(id) || id <= 0)
    throw new RestError('NOT_FOUND', `No ${what} ${value}.`);
  return id;
}

function time(value: string | undefined, fallback: Date): Date {
  return value === undefined ? fallback : (parseAuditTime(value) ?? fallback);
}

/**
 * `/api/v1/alerts…`, `/api/v1/alert-rules…`, `/api/v1/blackouts…`, `/api/v1/notification-channels…`
 * and `/api/v1/timeline`. Everything of a connection is for callers with access to it: a connection
 * the caller may not use is answered as one that does not exist.
 */
export function alertRoutes(deps: AlertRouteDeps): RouteHandlers<AlertRouteName> {
  const need = (): Alerting => {
    if (!deps.alerting)
      throw new RestError(
        'UNAVAILABLE',
        'Alerting needs the metrics datastore (PostgreSQL): set datastore.url (PGMCP_DATASTORE_URL) or a postgres:// store_url.',
      );
    return deps.alerting;
  };
  const usable = (caller: Caller): string[] =>
    deps.pools
      .listConnections()
      .filter((info) => caller.access.connectionAccess(info.name))
      .map((info) => info.name);
  /** The connection, when it exists and the caller may use it; 404 otherwise. */
  const connectionOf = (caller: Caller, name: string): string => {
    if (!deps.pools.findConnection(name) || !caller.access.connectionAccess(name))
      throw new RestError(
        'NOT_FOUND',
        `There is no connection "${name}" you may use. GET /api/v1/connections lists yours.`,
      );
    return name;
  };
  const alertOf = async (caller: Caller, idParam: string | undefined) => {
    const { alerter } = need();
    const id = numericId(idParam, 'alert');
    const alert = await alerter.getAlert(id);
    if (!usable(caller).includes(alert.connectionId)) throw new RestError('NOT_FOUND', `No alert ${id}.`);
    return alert;
  };
  const who = (caller: Caller) => caller.user.username;

  return {
    listAlerts: async ({ caller, query }) => {
      const { alerter } = need();
      const connectionIds = query.connection ? [connectionOf(caller, query.connection)] : usable(caller);
      const limit = query.limit ?? 100;
      const alerts = await alerter.listAlerts({
        connectionIds,
        status: query.status ?? 'active',
        ...(query.rule ? { ruleId: query.rule } : {}),
        ...(query.since ? { since: time(query.since, new Date(0)) } : {}),
        // The severity is filtered here: read the most a page may hold, then cut.
        limit: query.severity ? 500 : limit,
        offset: query.offset ?? 0,
      });
      const filtered = query.severity ? alerts.filter((a) => a.severity === query.severity) : alerts;
      return { alerts: filtered.slice(0, limit).map(alertJson) };
    },
    getAlert: async ({ caller, params }) => alertJson(await alertOf(caller, params.id)),
    acknowledgeAlert: async ({ caller, params, body }) => {
      const alert = await alertOf(caller, params.id);
      const acked = await need().alerter.acknowledge(alert.id, {
        by: who(caller),
        ...(body.note ? { note: body.note } : {}),
      });
      return alertJson(acked);
    },

    listAlertRules: async ({ caller, query }) => {
      const { alerter } = need();
      const rules = await alerter.listRules({
        ...(query.connection ? { connectionId: connectionOf(caller, query.connection) } : {}),
        ...(query.category ? { category: query.category } : {}),
        ...(query.enabled_only === 'true' ? { enabledOnly: true } : {}),
      });
      return { rules: rules.map(ruleJson) };
    },
    createAlertRule: async ({ body }) => ruleJson(await need().alerter.createRule(ruleInput(body))),
    updateAlertRule: async ({ params, body }) =>
      ruleJson(await need().alerter.updateRule(params.id, ruleInput(body))),
    deleteAlertRule: async ({ params }) => need().alerter.deleteRule(params.id),
    setAlertRuleOverride: async ({ caller, params, body }) => {
      const { alerter } = need();
      const connectionId = connectionOf(caller, params.connection);
      await alerter.setOverride(params.id, connectionId, overrideInput(body));
      const [rule] = (await alerter.listRules({ connectionId })).filter((r) => r.id === params.id);
      return ruleJson(rule ?? (await alerter.getRule(params.id)));
    },
    setAlertRuleChannels: async ({ params, body }) => {
      const { alerter, notifier } = need();
      await alerter.getRule(params.id);
      await notifier.setRuleChannels(params.id, body.channel_ids);
      return { channel_ids: await notifier.getRuleChannels(params.id) };
    },

    listBlackouts: async ({ caller, query }) => {
      const { alerter } = need();
      const connectionId = query.connection ? connectionOf(caller, query.connection) : undefined;
      const mine = new Set(usable(caller));
      const now = new Date();
      const blackouts = await alerter.listBlackouts({
        ...(connectionId ? { connectionId } : {}),
        ...(query.active_only === 'true' ? { activeOnly: true } : {}),
      });
      return {
        blackouts: blackouts
          .filter((b) => b.connectionId === null || mine.has(b.connectionId))
          .map((b) => blackoutJson(b, isBlackoutActive(b, now))),
      };
    },
    createBlackout: async ({ caller, body }) => {
      const { alerter } = need();
      const blackout = await alerter.createBlackout({
        ...(body.connection_id ? { connectionId: connectionOf(caller, body.connection_id) } : {}),
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
        ...(body.starts_at !== undefined ? { startsAt: body.starts_at } : {}),
        ...(body.ends_at !== undefined ? { endsAt: body.ends_at } : {}),
        ...(body.cron !== undefined ? { cron: body.cron } : {}),
        ...(body.duration_s !== undefined ? { durationS: body.duration_s } : {}),
        ...(body.time_zone !== undefined ? { timeZone: body.time_zone } : {}),
        createdBy: who(caller),
      });
      return blackoutJson(blackout, isBlackoutActive(blackout, new Date()));
    },
    endBlackout: async ({ caller, params }) => {
      const { alerter } = need();
      const id = numericId(params.id, 'blackout');
      const found = (await alerter.listBlackouts({})).find((b) => b.id === id);
      if (found?.connectionId) connectionOf(caller, found.connectionId);
      const ended = await alerter.endBlackout(id);
      return blackoutJson(ended, false);
    },

    listNotificationChannels: async () => ({ channels: await need().notifier.listChannels() }),
    createNotificationChannel: async ({ body }) => need().notifier.createChannel(body),
    getNotificationChannel: async ({ params }) => need().notifier.getChannel(params.id),
    updateNotificationChannel: async ({ params, body }) => need().notifier.updateChannel(params.id, body),
    deleteNotificationChannel: async ({ params }) => need().notifier.deleteChannel(params.id),
    testNotificationChannel: async ({ params }) => need().notifier.sendTest(params.id),
    listChannelDeliveries: async ({ params, query }) => {
      const { notifier } = need();
      await notifier.getChannel(params.id);
      const deliveries = await notifier.listDeliveries({
        channelId: params.id,
        ...(query.alert_id ? { alertId: query.alert_id } : {}),
        ...(query.status ? { status: query.status } : {}),
        limit: query.limit ?? 50,
        offset: query.offset ?? 0,
      });
      return { deliveries };
    },

    getTimeline: async ({ caller, query }) => {
      const { alerter } = need();
      const now = new Date();
      const start = time(query.start, new Date(now.getTime() - DAY_MS));
      const end = time(query.end, now);
      if (start.getTime() >= end.getTime())
        throw new RestError('BAD_REQUEST', 'Invalid query: start must be before end.');
      const types = query.types?.split(',').map((t) => t.trim() as (typeof TIMELINE_TYPES)[number]);
      const events = await alerter.listTimeline({
        connectionId: connectionOf(caller, query.connection),
        start,
        end,
        ...(types ? { types } : {}),
        limit: query.limit ?? 200,
      });
      return { events: events.map(timelineJson) };
    },
  };
}
