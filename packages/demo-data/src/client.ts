import pg from 'pg';
import { DemoDataError, describeCause } from './errors.js';

/** A connected node-postgres client (`pg.Client` or a pool's `PoolClient`), not a pool: the seed needs one session. */
export type DemoClient = pg.ClientBase;

/** Runs `work` on the given client, or on a client connected to the URL and closed afterwards. */
export async function withClient<T>(
  target: DemoClient | string,
  work: (client: DemoClient) => Promise<T>,
): Promise<T> {
  if (typeof target !== 'string') return work(target);
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString: target });
  } catch (cause) {
    throw new DemoDataError('CONNECTION_FAILED', 'The connection string is not a valid postgres:// URL.', {
      cause,
    });
  }
  // A server that goes away mid-seed emits 'error' on the client; without a listener that crashes the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(() => undefined);
    throw new DemoDataError('CONNECTION_FAILED', `Could not connect to PostgreSQL: ${describeCause(cause)}`, {
      cause,
    });
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Runs `work` inside BEGIN … COMMIT; any failure rolls everything back and is rethrown. Refuses a
 * client already inside a transaction: its BEGIN would be ignored and our COMMIT would commit the
 * caller's work, or a failure roll it back.
 */
export async function inTransaction<T>(client: DemoClient, work: () => Promise<T>): Promise<T> {
  // The first statement of a transaction starts it: both timestamps are equal only outside a transaction block.
  const { rows } = await client.query<{ busy: boolean }>('SELECT now() <> statement_timestamp() AS busy');
  if (rows[0]?.busy) {
    throw new DemoDataError(
      'CLIENT_IN_TRANSACTION',
      'The client is inside a transaction. Pass a client outside any transaction (or a connection string).',
    );
  }
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
