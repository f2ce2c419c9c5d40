import { type ProductRow, buildProducts } from './catalog.js';
import { type DemoClient, inTransaction, withClient } from './client.js';
import { DEMO_DATA_VERSION, DEMO_SCHEMAS, DEMO_TABLES } from './demo-tables.js';
import { DemoDataError, describeCause } from './errors.js';
import {
  SIZES,
  drawOrders,
  insertCustomers,
  insertOrderItems,
  insertOrders,
  insertReferenceData,
  insertReviews,
  insertStockLevels,
  insertTicketMessages,
  insertTickets,
  syncIdentitySequences,
} from './generate.js';
import { FOREIGN_KEYS_SQL, INDEXES_SQL, MARKER_SQL, TABLES_SQL, VIEWS_SQL } from './schema-sql.js';

/** Reported after each step of {@link seedDemoDatabase}. */
export interface DemoSeedProgress {
  /** The step just finished, e.g. "sales.order_items". */
  readonly step: string;
  /** Steps finished so far, 1..total. */
  readonly completed: number;
  readonly total: number;
  /** Milliseconds since the seed started. */
  readonly elapsedMs: number;
}

/** Options of {@link seedDemoDatabase}. */
export interface SeedDemoOptions {
  /** Called after each step; throwing from it aborts the seed (and rolls everything back). */
  onProgress?: (progress: DemoSeedProgress) => void;
}

/** What {@link seedDemoDatabase} did. */
export interface DemoSeedResult {
  /** The {@link DEMO_DATA_VERSION} recorded in the database. */
  readonly version: string;
  /** Wall time of the whole seed, including ANALYZE and COMMIT. */
  readonly durationMs: number;
}

/** The marker a seeded database carries (table `pgmcp_demo.info`). */
export interface DemoInfo {
  readonly version: string;
  readonly seededAt: Date;
}

/** The schema the marker lives in; not one of the demo's own schemas. */
const MARKER_SCHEMA = 'pgmcp_demo';
/** Serialises concurrent seeds of one database (e.g. two server replicas starting at once). */
const SEED_LOCK_KEY = 'pgmcp_demo.seed';

interface Step {
  readonly name: string;
  run(client: DemoClient, products: readonly ProductRow[]): Promise<unknown>;
}

const sql =
  (text: string) =>
  (client: DemoClient): Promise<unknown> =>
    client.query(text);

const STEPS: readonly Step[] = [
  { name: 'schemas and tables', run: sql(TABLES_SQL) },
  { name: 'inventory reference data', run: insertReferenceData },
  { name: 'inventory.stock_levels', run: insertStockLevels },
  { name: 'sales.customers', run: insertCustomers },
  { name: 'drawing orders', run: drawOrders },
  { name: 'sales.order_items', run: insertOrderItems },
  { name: 'sales.orders', run: insertOrders },
  { name: 'sales.product_reviews', run: insertReviews },
  { name: 'support.tickets', run: insertTickets },
  { name: 'support.ticket_messages', run: insertTicketMessages },
  { name: 'identity sequences', run: syncIdentitySequences },
  { name: 'foreign keys', run: sql(FOREIGN_KEYS_SQL) },
  { name: 'indexes', run: sql(INDEXES_SQL) },
  { name: 'views', run: sql(VIEWS_SQL) },
  {
    name: 'analyze',
    run: (client) =>
      client.query(
        `ANALYZE ${DEMO_TABLES.filter((t) => t.kind !== 'view')
          .map((t) => `${t.schema}.${t.name}`)
          .join(', ')}`,
      ),
  },
  {
    name: 'marker',
    run: async (client) => {
      await client.query(MARKER_SQL);
      await client.query(`INSERT INTO pgmcp_demo.info (version, generator) VALUES ($1, $2)`, [
        DEMO_DATA_VERSION,
        '@pgmcp/demo-data',
      ]);
    },
  },
];

async function refuseIfNotEmpty(client: DemoClient): Promise<void> {
  const info = await findDemoInfo(client);
  if (info) {
    throw new DemoDataError(
      'ALREADY_SEEDED',
      `This database already holds the pgmcp demo data (version ${info.version}, seeded ${info.seededAt.toISOString()}). ` +
        'Seed an empty database instead, or drop and recreate this one.',
    );
  }
  const { rows } = await client.query<{ nspname: string }>(
    'SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[]) ORDER BY nspname',
    [[...DEMO_SCHEMAS, MARKER_SCHEMA]],
  );
  if (rows.length > 0) {
    throw new DemoDataError(
      'NOT_EMPTY',
      `The database already has schema(s) ${rows.map((r) => `"${r.nspname}"`).join(', ')} that the demo data would create. ` +
        'Seed an empty database instead.',
    );
  }
}

/**
 * Creates the demo dataset (schemas sales, inventory, support) in an empty database, in one
 * transaction: on any failure nothing is left behind. Takes a connected client or a URL.
 *
 * @example
 *   await seedDemoDatabase('postgres://postgres:secret@127.0.0.1:5432/demo', {
 *     onProgress: (p) => console.log(`${p.completed}/${p.total} ${p.step}`),
 *   });
 */
export async function seedDemoDatabase(
  target: DemoClient | string,
  options: SeedDemoOptions = {},
): Promise<DemoSeedResult> {
  const started = performance.now();
  await withClient(target, (client) =>
    inTransaction(client, async () => {
      // Settings local to this transaction: times are generated in UTC (day arithmetic on
      // timestamptz follows the session's time zone), and the bulk load gets memory for sorts.
      await client.query(
        `SELECT pg_advisory_xact_lock(hashtext($1)),
                set_config('TimeZone', 'UTC', true),
                set_config('jit', 'off', true),
                set_config('work_mem', '64MB', true),
                set_config('maintenance_work_mem', '256MB', true),
                set_config('synchronous_commit', 'off', true)`,
        [SEED_LOCK_KEY],
      );
      await refuseIfNotEmpty(client);
      const products = buildProducts(SIZES.products);
      for (const [index, step] of STEPS.entries()) {
        try {
          await step.run(client, products);
          options.onProgress?.({
            step: step.name,
            completed: index + 1,
            total: STEPS.length,
            elapsedMs: Math.round(performance.now() - started),
          });
        } catch (cause) {
          throw new DemoDataError(
            'SEED_FAILED',
            `Seeding the demo database failed at step "${step.name}": ${describeCause(cause)}. Nothing was created.`,
            { cause },
          );
        }
      }
    }),
  );
  return { version: DEMO_DATA_VERSION, durationMs: Math.round(performance.now() - started) };
}

/** The demo marker of the database, or undefined when it was never seeded. */
export async function findDemoInfo(target: DemoClient | string): Promise<DemoInfo | undefined> {
  return withClient(target, async (client) => {
    const { rows: exists } = await client.query<{ present: boolean }>(
      `SELECT to_regclass('pgmcp_demo.info') IS NOT NULL AS present`,
    );
    if (!exists[0]?.present) return undefined;
    const { rows } = await client.query<{ version: string; seeded_at: Date }>(
      'SELECT version, seeded_at FROM pgmcp_demo.info',
    );
    const row = rows[0];
    return row ? { version: row.version, seededAt: row.seeded_at } : undefined;
  });
}

/** True when the database holds the demo data of the current {@link DEMO_DATA_VERSION}. */
export async function isDemoSeeded(target: DemoClient | string): Promise<boolean> {
  return (await findDemoInfo(target))?.version === DEMO_DATA_VERSION;
}
