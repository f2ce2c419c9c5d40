import pg from 'pg';
import { DEMO_TABLES } from '../src/index.js';

/** A connected client; the caller ends it. Sessions run in UTC so timestamps print the same everywhere. */
export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`SET TimeZone = 'UTC'`);
  return client;
}

/** Runs `work` with a client connected to `url`, then closes it. */
export async function withConnection<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** md5 of every row of every demo relation (sorted by row text): equal fingerprints mean equal data. */
export async function fingerprint(client: pg.ClientBase): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const t of DEMO_TABLES) {
    const name = `${t.schema}.${t.name}`;
    const { rows } = await client.query<{ md5: string }>(
      `SELECT md5(string_agg(r::text, E'\\n' ORDER BY r::text)) AS md5 FROM ${name} AS r`,
    );
    result[name] = rows[0]?.md5 ?? '';
  }
  return result;
}

/** Names of the schemas of the demo (and its marker) that exist in the database. */
export async function demoSchemasPresent(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname IN ('sales', 'inventory', 'support', 'pgmcp_demo') ORDER BY 1`,
  );
  return rows.map((r) => r.nspname);
}
