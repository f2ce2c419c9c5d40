import { userInfo } from 'node:os';
import { type Alerter, AlerterError, createAlerter, isBlackoutActive } from '@pgmcp/alerter';
import { alertJson, blackoutJson } from '@pgmcp/server';
import { openSqlDatabase } from '@pgmcp/sql-store';
import { Option, type Command } from 'commander';
import {
  examples,
  runAdmin,
  storeCommand,
  type AdminContext,
  type AdminIo,
  type Output,
  type StoreOptions,
} from './admin-context.js';
import { CliError } from './cli-error.js';
import { table } from './format.js';

const STATUSES = ['active', 'acknowledged', 'cleared', 'all'] as const;

/** The alerter's field names as this CLI's options, for its error messages. */
const OPTION_OF_FIELD: Record<string, string> = {
  starts_at: '--start',
  ends_at: '--end',
  cron: '--cron',
  duration_s: '--duration',
  time_zone: '--timezone',
  reason: '--reason',
};

/**
 * Opens the alerter on the metrics datastore (`datastore.url`, else a PostgreSQL `store_url`), runs
 * `body`, closes it. A refused value is a usage error naming the option.
 */
async function withAlerter(ctx: AdminContext, body: (alerter: Alerter) => Promise<Output>): Promise<Output> {
  const url =
    ctx.loaded.config.datastore.url ??
    (/^postgres(ql)?:\/\//i.test(ctx.loaded.storeUrl) ? ctx.loaded.storeUrl : undefined);
  if (!url)
    throw new CliError(
      'Alerts live in the metrics datastore (PostgreSQL): set datastore.url (PGMCP_DATASTORE_URL) or a postgres:// store_url.',
    );
  const database = await openSqlDatabase({ url });
  try {
    return await body(await createAlerter({ database }));
  } catch (error) {
    if (error instanceof AlerterError && error.code !== 'NOT_POSTGRES') {
      const option = error.field ? OPTION_OF_FIELD[error.field] : undefined;
      throw new CliError(option ? error.message.replace(`${error.field}:`, `${option}:`) : error.message);
    }
    throw error;
  } finally {
    await database.close();
  }
}

function positiveId(value: string, what: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new CliError(`${what} "${value}" is not an id (a number).`);
  return id;
}

/** `2h`, `90m`, `30s`, `1d` or plain seconds → seconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!match)
    throw new CliError(`--duration "${value}" is not a duration: give e.g. 2h, 90m, 1d or seconds.`);
  return (
    Number(match[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd']
  );
}

interface ListOptions extends StoreOptions {
  connection?: string;
  status?: (typeof STATUSES)[number];
  limit?: string;
}

async function listAlerts(ctx: AdminContext, options: ListOptions): Promise<Output> {
  return withAlerter(ctx, async (alerter) => {
    const limit = options.limit === undefined ? 100 : Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw new CliError(`--limit "${options.limit}" must be a whole number from 1 to 500.`);
    const alerts = await alerter.listAlerts({
      ...(options.connection ? { connectionId: options.connection } : {}),
      status: options.status ?? 'active',
      limit,
    });
    const rows = alerts.map((a) => [
      String(a.id),
      a.status,
      a.severity,
      a.connectionId,
      a.ruleId,
      a.firedAt.toISOString().slice(0, 16).replace('T', ' '),
      a.message,
    ]);
    return {
      json: { alerts: alerts.map(alertJson) },
      text: rows.length
        ? table(['id', 'status', 'severity', 'connection', 'rule', 'fired (UTC)', 'message'], rows)
        : `No ${options.status === 'all' ? '' : `${options.status ?? 'active'} `}alerts.`,
    };
  });
}

async function acknowledge(
  ctx: AdminContext,
  id: string,
  options: StoreOptions & { note?: string; by?: string },
): Promise<Output> {
  return withAlerter(ctx, async (alerter) => {
    const alert = await alerter.acknowledge(positiveId(id, 'Alert'), {
      by: options.by ?? userInfo().username,
      ...(options.note ? { note: options.note } : {}),
    });
    return {
      json: { alert: alertJson(alert) },
      text: `Acknowledged alert ${alert.id} (${alert.ruleId} on ${alert.connectionId}) as ${alert.acknowledgedBy}.`,
    };
  });
}

interface BlackoutAddOptions extends StoreOptions {
  connection?: string;
  all?: boolean;
  start?: string;
  end?: string;
  cron?: string;
  duration?: string;
  timezone?: string;
  reason?: string;
  by?: string;
}

function blackoutInput(options: BlackoutAddOptions) {
  if (Boolean(options.connection) === Boolean(options.all))
    throw new CliError('Say which connections: --connection <name> or --all.');
  const scheduled = options.cron !== undefined;
  if (scheduled === (options.start !== undefined || options.end !== undefined))
    throw new CliError(
      'Give either --start and --end (one-off) or --cron with --duration (scheduled, in --timezone).',
    );
  if (scheduled && options.duration === undefined)
    throw new CliError('A scheduled blackout needs --duration (e.g. 2h).');
  const base = {
    ...(options.connection ? { connectionId: options.connection } : {}),
    ...(options.reason ? { reason: options.reason } : {}),
    createdBy: options.by ?? userInfo().username,
  };
  return scheduled
    ? {
        ...base,
        cron: options.cron!,
        durationS: parseDuration(options.duration!),
        ...(options.timezone ? { timeZone: options.timezone } : {}),
      }
    : { ...base, startsAt: options.start ?? '', endsAt: options.end ?? '' };
}

function describeBlackout(b: ReturnType<typeof blackoutJson>): string {
  return b.cron
    ? `every "${b.cron}" (${b.time_zone}) for ${b.duration_s} s`
    : `${b.starts_at} → ${b.ends_at}`;
}

async function addBlackout(ctx: AdminContext, options: BlackoutAddOptions): Promise<Output> {
  const input = blackoutInput(options);
  return withAlerter(ctx, async (alerter) => {
    const created = await alerter.createBlackout(input);
    const json = blackoutJson(created, isBlackoutActive(created, new Date()));
    return {
      json: { blackout: json },
      text: `Created blackout ${json.id} for ${json.connection_id ?? 'every connection'}: ${describeBlackout(json)}.`,
    };
  });
}

async function listBlackouts(
  ctx: AdminContext,
  options: StoreOptions & { connection?: string; active?: boolean },
): Promise<Output> {
  return withAlerter(ctx, async (alerter) => {
    const now = new Date();
    const blackouts = (
      await alerter.listBlackouts({
        ...(options.connection ? { connectionId: options.connection } : {}),
        ...(options.active ? { activeOnly: true } : {}),
      })
    ).map((b) => blackoutJson(b, isBlackoutActive(b, now)));
    const rows = blackouts.map((b) => [
      String(b.id),
      b.connection_id ?? '(all)',
      b.ended_at ? 'ended' : b.active ? 'active' : 'waiting',
      describeBlackout(b),
      b.reason,
    ]);
    return {
      json: { blackouts },
      text: rows.length ? table(['id', 'connection', 'state', 'when', 'reason'], rows) : 'No blackouts.',
    };
  });
}

async function endBlackout(ctx: AdminContext, id: string): Promise<Output> {
  return withAlerter(ctx, async (alerter) => {
    const ended = blackoutJson(await alerter.endBlackout(positiveId(id, 'Blackout')), false);
    return { json: { blackout: ended }, text: `Ended blackout ${ended.id} at ${ended.ended_at}.` };
  });
}

/**
 * `pgmcp alerts list|ack` and `pgmcp blackout add|list|end`: on the metrics datastore directly, like
 * the other administration commands on the store (no server needs to run).
 */
export function registerAlertCommands(program: Command, io: AdminIo): void {
  const run = (options: StoreOptions, body: (ctx: AdminContext) => Promise<Output>) =>
    io.run(runAdmin(io, options, body));

  const alerts = program.command('alerts').description('Alerts of the monitored connections.');
  examples(
    storeCommand(alerts, 'list', 'List alerts, open ones first (active ones by default).')
      .option('--connection <name>', "only this connection's alerts")
      .addOption(new Option('--status <status>', 'which alerts').choices(STATUSES).default('active'))
      .option('--limit <n>', 'at most this many (1-500)', '100')
      .action((options: ListOptions) => run(options, (ctx) => listAlerts(ctx, options))),
    ['pgmcp alerts list', 'pgmcp alerts list --connection shop --status all --json'],
  );
  examples(
    storeCommand(alerts, 'ack <id>', 'Acknowledge an open alert, with a note.')
      .option('--note <text>', 'why, or what is being done')
      .option('--by <name>', 'who acknowledges (default: your login name)')
      .action((id: string, options: StoreOptions & { note?: string; by?: string }) =>
        run(options, (ctx) => acknowledge(ctx, id, options)),
      ),
    ['pgmcp alerts ack 42 --note "restarting the replica"'],
  );

  const blackout = program
    .command('blackout')
    .description('Blackouts: times when alert rules do not fire (maintenance).');
  examples(
    storeCommand(blackout, 'add', 'Create a one-off or scheduled blackout for one connection or all.')
      .option('--connection <name>', 'the connection')
      .option('--all', 'every connection')
      .option('--start <time>', 'one-off: from (ISO 8601, e.g. 2026-12-24T22:00:00Z)')
      .option('--end <time>', 'one-off: until (ISO 8601)')
      .option(
        '--cron <expression>',
        'scheduled: when it starts, five cron fields (minute hour day month weekday)',
      )
      .option('--duration <span>', 'scheduled: how long each lasts (2h, 90m, 1d, or seconds)')
      .option('--timezone <zone>', 'scheduled: the IANA time zone of --cron (default UTC)')
      .option('--reason <text>', 'why (shown on the timeline)')
      .option('--by <name>', 'who creates it (default: your login name)')
      .action((options: BlackoutAddOptions) => run(options, (ctx) => addBlackout(ctx, options))),
    [
      'pgmcp blackout add --connection shop --start 2026-12-24T22:00:00Z --end 2026-12-25T02:00:00Z --reason upgrade',
      'pgmcp blackout add --all --cron "0 2 * * 0" --duration 2h --timezone Europe/Paris --reason "weekly backup"',
    ],
  );
  examples(
    storeCommand(blackout, 'list', 'List blackouts, newest first.')
      .option('--connection <name>', "this connection's blackouts and those of every connection")
      .option('--active', 'only those in force now')
      .action((options: StoreOptions & { connection?: string; active?: boolean }) =>
        run(options, (ctx) => listBlackouts(ctx, options)),
      ),
    ['pgmcp blackout list --active'],
  );
  examples(
    storeCommand(blackout, 'end <id>', 'End a blackout now (a scheduled one stops recurring).').action(
      (id: string, options: StoreOptions) => run(options, (ctx) => endBlackout(ctx, id)),
    ),
    ['pgmcp blackout end 3'],
  );
}
