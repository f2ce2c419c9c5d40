import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { adminQuery, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/index.js';

// In-process runs of the real CLI (runCli) on a real PostgreSQL store and metrics datastore.
const db = useTestDatabase('cli-alerts');
const dir = makeTempDir('pgmcp-cli-alerts-');
const config = path.join(dir, 'pgmcp.yaml');
for (const key of Object.keys(process.env)) if (key.startsWith('PGMCP_')) delete process.env[key];

async function pgmcp(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await runCli(['node', 'pgmcp', ...args, '--config', config, '--data-dir', dir], {
    out: sink((t) => (stdout += t)),
    err: sink((t) => (stderr += t)),
  });
  return { code, stdout, stderr };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests assert on the JSON's shape.
async function json(...args: string[]): Promise<any> {
  const result = await pgmcp(...args, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as unknown;
}

describe('pgmcp alerts and pgmcp blackout', { timeout: 120_000 }, () => {
  // The store and the metrics datastore: the same PostgreSQL database.
  beforeAll(() => writeFileSync(config, `auth:\n  bcrypt_cost: 4\nstore_url: ${db.url}\n`));

  it('lists and acknowledges alerts', async () => {
    // The first command migrates the alerter's tables; then an alert as the evaluator stores one.
    expect((await pgmcp('alerts', 'list')).stdout).toBe('No active alerts.\n');
    await adminQuery(
      db.url,
      `insert into alerts (rule_id, connection_id, dims, dims_key, probe, metric, severity, status, message,
         value, threshold, fired_at, last_fired_at)
       values ('connections_near_max', 'shop', '{}', '', 'connection_usage', 'pct_used', 'warning', 'firing',
         'Connections near max_connections: pct_used = 91 > 80', 91, 80, '2026-12-07T06:00:00Z', '2026-12-07T06:00:00Z')`,
    );
    const listed = await pgmcp('alerts', 'list', '--connection', 'shop');
    expect(listed.stdout).toMatch(
      /^ID\s+STATUS\s+SEVERITY\s+CONNECTION\s+RULE\s+FIRED \(UTC\)\s+MESSAGE\n\d+\s+firing\s+warning\s+shop\s+connections_near_max\s+2026-12-07 06:00\s+Connections near/,
    );
    const [alert] = (await json('alerts', 'list')).alerts;
    expect(alert).toMatchObject({ status: 'firing', rule_id: 'connections_near_max' });

    const acked = await pgmcp('alerts', 'ack', String(alert.id), '--note', 'on it', '--by', 'ann');
    expect(acked).toMatchObject({
      code: 0,
      stdout: `Acknowledged alert ${alert.id} (connections_near_max on shop) as ann.\n`,
    });
    const [after] = (await json('alerts', 'list', '--status', 'acknowledged')).alerts;
    expect(after).toMatchObject({ id: alert.id, acknowledged_by: 'ann', ack_note: 'on it' });
    expect((await json('alerts', 'list', '--connection', 'other')).alerts).toEqual([]);

    const missing = await pgmcp('alerts', 'ack', '999999', '--note', 'x');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^pgmcp: .*999999/);
    expect((await pgmcp('alerts', 'list', '--status', 'sleeping')).code).not.toBe(0);
  });

  it('adds one-off and scheduled blackouts, lists and ends them', async () => {
    const oneOff = await json(
      'blackout',
      'add',
      '--connection',
      'shop',
      '--start',
      '2026-12-24T22:00:00Z',
      '--end',
      '2026-12-25T02:00:00Z',
      '--reason',
      'upgrade',
    );
    expect(oneOff.blackout).toMatchObject({ connection_id: 'shop', kind: 'one_off', reason: 'upgrade' });
    const weekly = await pgmcp(
      'blackout',
      'add',
      '--all',
      '--cron',
      '0 2 * * 0',
      '--duration',
      '2h',
      '--timezone',
      'Europe/Paris',
      '--reason',
      'weekly backup',
    );
    expect(weekly.stdout).toMatch(
      /^Created blackout \d+ for every connection: every "0 2 \* \* 0" \(Europe\/Paris\) for 7200 s\.\n$/,
    );

    const { blackouts } = await json('blackout', 'list');
    expect(blackouts.map((b: { kind: string }) => b.kind)).toEqual(['scheduled', 'one_off']);
    expect((await pgmcp('blackout', 'list')).stdout).toMatch(/^ID\s+CONNECTION\s+STATE\s+WHEN\s+REASON\n/);

    const ended = await json('blackout', 'end', String(oneOff.blackout.id));
    expect(ended.blackout.ended_at).toEqual(expect.any(String));

    const badZone = await pgmcp(
      'blackout',
      'add',
      '--all',
      '--cron',
      '0 2 * * 0',
      '--duration',
      '2h',
      '--timezone',
      'Mars/Base',
    );
    expect(badZone.code).toBe(2);
    expect(badZone.stderr).toMatch(/^pgmcp: --timezone: /);
    const badCron = await pgmcp('blackout', 'add', '--all', '--cron', 'nightly', '--duration', '2h');
    expect(badCron.stderr).toMatch(/^pgmcp: --cron: /);
    const neither = await pgmcp(
      'blackout',
      'add',
      '--start',
      '2026-12-24T22:00:00Z',
      '--end',
      '2026-12-25T02:00:00Z',
    );
    expect(neither).toMatchObject({
      code: 2,
      stderr: 'pgmcp: Say which connections: --connection <name> or --all.\n',
    });
  });

  it('explains each command in --help', async () => {
    for (const command of [
      ['alerts', 'list'],
      ['alerts', 'ack'],
      ['blackout', 'add'],
      ['blackout', 'list'],
      ['blackout', 'end'],
    ]) {
      const help = await pgmcp(...command, '--help');
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`Usage: pgmcp ${command.join(' ')}`));
      expect(help.stdout).toMatch(/Examples:/);
    }
    expect((await pgmcp('blackout', 'add', '--help')).stdout).toMatch(/--timezone <zone>/);
  });
});
