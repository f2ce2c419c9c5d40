// Login storm: what a burst of concurrent password logins does to the rest of the server, with and
// without the bcrypt queue, and whether unknown, wrong-password and locked logins take alike long.
// Prints figures; asserts nothing. Run (about a minute on 2 cores):
//   pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source ../packages/auth-store/bench/login-storm.ts
import { hash } from '@node-rs/bcrypt';
import { openSqlDatabase } from '@pgmcp/sql-store';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createAuthStore, type AuthStoreConfig } from '../src/index.js';

const USERS = 100;
const PASSWORD = 'correct horse battery';
const directory = await mkdtemp(path.join(tmpdir(), 'pgmcp-login-storm-'));
const staticFile = path.join(directory, 'app.js');
await writeFile(staticFile, 'x'.repeat(64 * 1024));

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** A store with USERS users whose password hashes are real cost-12 hashes. */
async function storeWith(name: string, config: Partial<AuthStoreConfig>) {
  const url = path.join(directory, `${name}.sqlite`);
  const setup = await createAuthStore({ url, bcryptCost: 4 });
  for (let i = 0; i < USERS; i += 1) await setup.createUser({ username: `user${i}`, password: PASSWORD });
  await setup.close();
  const cost12 = await hash(PASSWORD, { cost: 12 });
  const database = await openSqlDatabase({ url });
  await sql`update auth_users set password_hash = ${cost12}`.execute(database.kysely);
  await database.close();
  return createAuthStore({ url, ...config });
}

/** Reads the "static file" every 20 ms while `work` runs; returns read latencies and event-loop delay. */
async function whileReading(work: () => Promise<unknown>) {
  const latencies: number[] = [];
  let running = true;
  const reader = (async () => {
    while (running) {
      const started = performance.now();
      await readFile(staticFile);
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  running = false;
  await reader;
  loop.disable();
  return { latencies, wallMs, loopP99: loop.percentile(99) / 1e6 };
}

async function storm(label: string, config: Partial<AuthStoreConfig>) {
  const store = await storeWith(label.replace(/\W+/g, '-'), config);
  const outcomes = new Map<string, number>();
  const result = await whileReading(() =>
    Promise.all(
      Array.from({ length: USERS }, (_, i) =>
        store.login(`user${i}`, PASSWORD).then(
          () => outcomes.set('ok', (outcomes.get('ok') ?? 0) + 1),
          (error: { code?: string }) =>
            outcomes.set(error.code ?? '?', (outcomes.get(error.code ?? '?') ?? 0) + 1),
        ),
      ),
    ),
  );
  await store.close();
  console.log(
    `${label.padEnd(44)} wall ${ms(result.wallMs).padStart(10)}  static read p50 ${ms(percentile(result.latencies, 50)).padStart(9)}` +
      ` p99 ${ms(percentile(result.latencies, 99)).padStart(9)} max ${ms(Math.max(...result.latencies)).padStart(9)}` +
      `  loop delay p99 ${ms(result.loopP99).padStart(8)}  ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`,
  );
}

async function parity() {
  const store = await storeWith('parity', { lockout: { maxFailures: 3, durationMs: 3_600_000 } });
  for (let i = 0; i < 3; i += 1) await store.login('user0', 'wrong password!!').catch(() => undefined);
  const kinds = {
    'unknown name': (i: number) => store.login(`nobody${i}`, PASSWORD),
    'wrong password': (i: number) => store.login(`user${i}`, 'wrong password!!'),
    'locked account (right password)': () => store.login('user0', PASSWORD),
    'right password': (i: number) => store.login(`user${20 + i}`, PASSWORD),
  };
  const times = new Map<string, number[]>(Object.keys(kinds).map((kind) => [kind, []]));
  // Round-robin, so load from elsewhere on the machine falls on every kind alike.
  for (let i = 1; i <= 20; i += 1) {
    for (const [kind, attempt] of Object.entries(kinds)) {
      const started = performance.now();
      await attempt(i).catch(() => undefined);
      times.get(kind)!.push(performance.now() - started);
    }
  }
  for (const [kind, values] of times) {
    console.log(
      `  ${`${kind}:`.padEnd(34)} median ${ms(percentile(values, 50))}, p90 ${ms(percentile(values, 90))}`,
    );
  }
  await store.close();
}

try {
  console.log(`${availableParallelism()} cores, ${USERS} concurrent logins at bcrypt cost 12\n`);
  const baseline = await whileReading(() => new Promise((resolve) => setTimeout(resolve, 1000)));
  console.log(
    `${'no logins (baseline)'.padEnd(44)} static read p50 ${ms(percentile(baseline.latencies, 50))} p99 ${ms(percentile(baseline.latencies, 99))}`,
  );
  await storm('uncapped (as before: 100 at once)', { bcryptQueue: { maxConcurrent: 100, maxWaiting: 1000 } });
  await storm('default queue (capped, 16 waiting)', {});
  await storm('capped, all 100 may wait', { bcryptQueue: { maxWaiting: 100 } });
  console.log('\nTime of one login (one at a time, 20 of each, interleaved):');
  await parity();
} finally {
  await rm(directory, { recursive: true, force: true });
}
