import type {
  AlertRuleJson,
  AlertRuleOverride,
  BlackoutJson,
  ChannelTestResult,
  CreateBlackout,
  Delivery,
  NotificationChannel,
} from '@pgmcp/api-contract';
import { type FakeCall, type FakeHandlers, FakeRefusal } from './fake-server.js';

// An in-memory stand-in of the alerting routes (rules with per-connection overrides, blackouts,
// notification channels with tests and deliveries) for the admin screens' component tests. It
// refuses bad input the way the server words it: `field: what is wrong`.

/** A rule as the server defines it, with `overrides` left to the fake. */
export function fakeRule(id: string, extra: Partial<AlertRuleJson> = {}): AlertRuleJson {
  return {
    id,
    name: id.replace(/_/g, ' '),
    category: 'connections',
    description: '',
    kind: 'threshold',
    probe: 'activity',
    metric: `${id}_ratio`,
    dims_filter: {},
    operator: '>',
    threshold: 0.9,
    clear_threshold: null,
    duration_s: 300,
    window_s: null,
    window_mode: null,
    anomaly_method: null,
    min_samples: null,
    min_value: null,
    severity: 'warning',
    enabled: true,
    builtin: true,
    overridden: [],
    connection_id: null,
    ...extra,
  };
}

const refuse = (message: string) => new FakeRefusal(400, 'VALIDATION_FAILED', message);
const missing = (what: string) => new FakeRefusal(404, 'NOT_FOUND', `No ${what}.`);

/** The fake's state (tests inspect and change it) and its route handlers. */
export interface FakeAlerting {
  rules: AlertRuleJson[];
  overrides: Map<string, AlertRuleOverride>;
  blackouts: BlackoutJson[];
  channels: NotificationChannel[];
  deliveries: Delivery[];
  /** What `send test` answers, by channel id (default: delivered). */
  testOutcome: Map<string, ChannelTestResult>;
  handlers: FakeHandlers;
}

function checkRuleFields(rule: AlertRuleJson, body: Record<string, unknown>): void {
  if ('threshold' in body && body.threshold !== null && typeof body.threshold !== 'number')
    throw refuse('threshold: must be a number');
  if (rule.metric.endsWith('_ratio') && typeof body.threshold === 'number' && body.threshold > 1)
    throw refuse(`threshold: ${rule.metric} is a ratio between 0 and 1`);
}

function ruleHandlers(state: FakeAlerting): FakeHandlers {
  const find = (id: string | undefined) =>
    state.rules.find((r) => r.id === id) ?? throwing(missing(`rule ${id}`));
  const effective = (rule: AlertRuleJson, connection: string): AlertRuleJson => {
    const override = state.overrides.get(`${rule.id}:${connection}`) ?? {};
    const set = Object.entries(override).filter(([, v]) => v !== null && v !== undefined);
    return {
      ...rule,
      ...Object.fromEntries(set),
      overridden: set.map(([k]) => k),
      connection_id: connection,
    };
  };
  return {
    listAlertRules: ({ query }: FakeCall) => ({
      rules: state.rules.map((r) => (query.connection ? effective(r, query.connection) : r)),
    }),
    updateAlertRule: ({ params, body }: FakeCall) => {
      const rule = find(params.id);
      checkRuleFields(rule, body as Record<string, unknown>);
      Object.assign(rule, body);
      return rule;
    },
    setAlertRuleOverride: ({ params, body }: FakeCall) => {
      const rule = find(params.id);
      const override = body as AlertRuleOverride;
      checkRuleFields(rule, override);
      const key = `${rule.id}:${params.connection}`;
      if (Object.values(override).every((v) => v === null || v === undefined)) state.overrides.delete(key);
      else state.overrides.set(key, override);
      return effective(rule, params.connection!);
    },
  };
}

function throwing(error: Error): never {
  throw error;
}

const CRON = /^(\S+\s+){4}\S+$/;

function blackoutHandlers(state: FakeAlerting): FakeHandlers {
  return {
    listBlackouts: () => ({ blackouts: [...state.blackouts].reverse() }),
    createBlackout: ({ body }: FakeCall) => {
      const b = body as CreateBlackout;
      if (b.cron !== undefined && !CRON.test(b.cron)) throw refuse('cron: must have five fields');
      if (b.time_zone !== undefined && !Intl.supportedValuesOf('timeZone').includes(b.time_zone))
        throw refuse(`time_zone: unknown time zone ${b.time_zone}`);
      if (b.cron === undefined && (!b.starts_at || !b.ends_at))
        throw refuse('starts_at: a one-off blackout needs starts_at and ends_at');
      const created: BlackoutJson = {
        id: state.blackouts.length + 1,
        connection_id: b.connection_id ?? null,
        reason: b.reason ?? '',
        kind: b.cron ? 'scheduled' : 'one_off',
        starts_at: b.starts_at ?? null,
        ends_at: b.ends_at ?? null,
        cron: b.cron ?? null,
        duration_s: b.duration_s ?? null,
        time_zone: b.cron ? (b.time_zone ?? 'UTC') : null,
        created_by: 'ann',
        created_at: new Date().toISOString(),
        ended_at: null,
        active: !b.cron && Date.parse(b.starts_at!) <= Date.now(),
      };
      state.blackouts.push(created);
      return created;
    },
    endBlackout: ({ params }: FakeCall) => {
      const found = state.blackouts.find((b) => b.id === Number(params.id)) ?? throwing(missing('blackout'));
      Object.assign(found, { ended_at: new Date().toISOString(), active: false });
      return found;
    },
  };
}

function channelHandlers(state: FakeAlerting): FakeHandlers {
  const find = (id: string | undefined) =>
    state.channels.find((c) => c.id === id) ?? throwing(missing(`channel ${id}`));
  return {
    listNotificationChannels: () => ({ channels: state.channels }),
    createNotificationChannel: ({ body }: FakeCall) => {
      const input = body as Record<string, unknown> & { smtp?: Record<string, unknown> };
      const url = typeof input.url === 'string' ? input.url : '';
      if (input.kind !== 'email' && !url.startsWith('https://'))
        throw refuse('url: the SSRF guard refuses this address (a private or loopback host)');
      const smtp = input.smtp ?? {};
      const settings: Record<string, unknown> =
        input.kind === 'webhook'
          ? { url, header_names: [], signed: Boolean(input.secret) }
          : input.kind === 'slack'
            ? { host: new URL(url).host }
            : {
                smtp: {
                  host: smtp.host,
                  port: smtp.port ?? 587,
                  security: smtp.security ?? 'starttls',
                  user: smtp.user ?? null,
                  ca: false,
                },
                from: input.from,
                to: input.to,
              };
      const created: NotificationChannel = {
        id: `ch_${state.channels.length + 1}`,
        name: String(input.name),
        kind: input.kind as NotificationChannel['kind'],
        enabled: input.enabled !== false,
        min_severity: (input.min_severity ?? null) as NotificationChannel['min_severity'],
        rule_ids: [],
        settings,
        has_secret: Boolean(input.secret ?? smtp.password ?? input.kind === 'slack'),
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      };
      state.channels.push(created);
      return created;
    },
    updateNotificationChannel: ({ params, body }: FakeCall) => {
      const channel = find(params.id);
      if ('kind' in (body as object)) throw refuse('kind: a channel keeps its kind');
      Object.assign(channel, body, { updated_at: new Date().toISOString() });
      return channel;
    },
    deleteNotificationChannel: ({ params }: FakeCall) => {
      find(params.id);
      state.channels = state.channels.filter((c) => c.id !== params.id);
    },
    testNotificationChannel: ({ params }: FakeCall) => {
      find(params.id);
      return (
        state.testOutcome.get(params.id!) ?? {
          delivery_id: 'd_test',
          ok: true,
          response: 'HTTP 200',
          error: null,
        }
      );
    },
    listChannelDeliveries: ({ params }: FakeCall) => ({
      deliveries: state.deliveries.filter((d) => d.channel_id === find(params.id).id),
    }),
  };
}

/** A fresh fake alerting server with `rules`. */
export function createFakeAlerting(rules: AlertRuleJson[] = []): FakeAlerting {
  const state: FakeAlerting = {
    rules,
    overrides: new Map(),
    blackouts: [],
    channels: [],
    deliveries: [],
    testOutcome: new Map(),
    handlers: {},
  };
  state.handlers = { ...ruleHandlers(state), ...blackoutHandlers(state), ...channelHandlers(state) };
  return state;
}
