import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseAuditTime } from '@pgmcp/api-contract';
import {
  AUDIT_KINDS,
  AUDIT_OUTCOMES,
  type AuditFilter,
  auditEventJson,
  createAuditLog,
} from '@pgmcp/auth-store';
import { openSqlDatabase } from '@pgmcp/sql-store';
import { Option, type Command } from 'commander';
import {
  examples,
  runAdmin,
  storeCommand,
  type AdminContext,
  type AdminIo,
  type StoreOptions,
} from './admin-context.js';
import { CliError } from './cli-error.js';

interface ExportOptions extends StoreOptions {
  since?: string;
  until?: string;
  user?: string;
  kind?: AuditFilter['kind'];
  outcome?: AuditFilter['outcome'];
  connection?: string;
  output?: string;
}

function timeOption(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = parseAuditTime(value);
  if (!at) {
    throw new CliError(
      `${flag} "${value}" is not a time: give a span back from now such as 7d, 24h or 90m, or an ISO 8601 time (2026-12-01T00:00:00Z).`,
    );
  }
  return at;
}

async function exportAudit(ctx: AdminContext, options: ExportOptions) {
  const since = timeOption('--since', options.since);
  const until = timeOption('--until', options.until);
  if (since && until && since.getTime() >= until.getTime()) {
    throw new CliError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()}).`);
  }
  const database = await openSqlDatabase({ url: ctx.loaded.storeUrl });
  const file = options.output ? createWriteStream(options.output, { flags: 'w', mode: 0o600 }) : undefined;
  const out = file ?? ctx.io.out;
  let count = 0;
  try {
    const audit = await createAuditLog({ database, mode: ctx.loaded.config.audit.mode });
    for await (const event of audit.exportAll({
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      ...(options.user ? { username: options.user } : {}),
      ...(options.kind ? { kind: options.kind } : {}),
      ...(options.outcome ? { outcome: options.outcome } : {}),
      ...(options.connection ? { connection: options.connection } : {}),
    })) {
      if (!out.write(`${JSON.stringify(auditEventJson(event))}\n`)) await once(out, 'drain');
      count++;
    }
  } finally {
    if (file) await new Promise<void>((resolve) => file.end(resolve));
    await database.close();
  }
  if (options.output) ctx.note(`Exported ${count} activity records to ${options.output}.`);
  return { json: undefined, text: '' };
}

/** `pgmcp audit export`: the activity log as JSON lines, oldest first. */
export function registerAuditCommands(program: Command, io: AdminIo): void {
  const audit = program
    .command('audit')
    .description('The activity log: every MCP call, login, token and admin change.');
  const command = storeCommand(audit, 'export', 'Print activity records as JSON lines, oldest first.')
    .option('--since <time>', 'from this time: 7d, 24h, 90m back from now, or an ISO 8601 time')
    .option('--until <time>', 'before this time (same forms)')
    .option('--user <name>', "only this user's records")
    .addOption(new Option('--kind <kind>', 'only records of this kind').choices(AUDIT_KINDS))
    .addOption(new Option('--outcome <outcome>', 'only records that ended so').choices(AUDIT_OUTCOMES))
    .option('--connection <name>', 'only MCP calls on this connection')
    .option('-o, --output <file>', 'write to this file (created 0600) instead of stdout')
    .action((options: ExportOptions) => io.run(runAdmin(io, options, (ctx) => exportAudit(ctx, options))));
  examples(command, [
    'pgmcp audit export --since 7d > activity.jsonl',
    'pgmcp audit export --since 24h --outcome refused --user ann',
  ]);
}
