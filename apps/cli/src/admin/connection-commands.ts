import { poolConnections } from '@pgmcp/config';
import {
  type ConnectionInput,
  type ConnectionStore,
  ConnectionStoreError,
  createConnectionStore,
  createHostGuard,
  poolDefinition,
  type StoredConnection,
  connectionJson,
} from '@pgmcp/connection-store';
import { type ConnectionCheck, createPoolManager, type PoolManager } from '@pgmcp/pool-manager';
import { addKeyToFile, pruneKeyFile, SecretsError } from '@pgmcp/secrets';
import { type Command, Option } from 'commander';
import {
  type AdminContext,
  type AdminIo,
  examples,
  type Output,
  runAdmin,
  storeCommand,
  type StoreOptions,
} from './admin-context.js';
import { CliError } from './cli-error.js';
import { fields, formatTime, table } from './format.js';
import { requireUser } from './lookups.js';
import { confirm, obtainNewPassword, type PasswordOptions } from './prompt.js';

interface ConnectionOptions extends StoreOptions, PasswordOptions {
  host?: string;
  port?: number;
  database?: string;
  dbUser?: string;
  sslmode?: ConnectionInput['sslmode'];
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  description?: string;
  allowWrites?: boolean;
  perUser?: boolean;
  monitored?: boolean;
  clearPassword?: boolean;
  yes?: boolean;
  user?: string;
  logout?: boolean;
  prune?: boolean;
}

/** Opens the connection store beside the account store; store and key errors become CLI errors. */
async function withConnections<T>(
  ctx: AdminContext,
  work: (store: ConnectionStore) => Promise<T>,
): Promise<T> {
  let store: ConnectionStore | undefined;
  try {
    store = await createConnectionStore({
      url: ctx.loaded.storeUrl,
      keyFile: ctx.loaded.secretKeyFile.path,
      createKeyFile: !ctx.loaded.secretKeyFile.explicit,
      reservedNames: () => ['current', 'demo', ...poolConnections(ctx.loaded.config).map((c) => c.name)],
      onWarning: (message) => ctx.warn(message),
    });
    return await work(store);
  } catch (error) {
    if (error instanceof ConnectionStoreError) {
      throw new CliError(error.message, error.code === 'ALREADY_EXISTS' ? 'failure' : 'usage');
    }
    if (error instanceof SecretsError) throw new CliError(error.message, 'failure');
    throw error;
  } finally {
    await store?.close();
  }
}

async function requireConnection(store: ConnectionStore, name: string): Promise<StoredConnection> {
  const found = await store.find(name);
  if (!found) {
    throw new CliError(
      `There is no stored connection named '${name}'. pgmcp connection list shows them (connections from pgmcp.yaml are changed there).`,
    );
  }
  return found;
}

/** The fields the options set; only those given. */
async function inputFrom(
  ctx: AdminContext,
  options: ConnectionOptions,
  name: string,
): Promise<Partial<ConnectionInput>> {
  const input: Partial<ConnectionInput> = {};
  if (options.host !== undefined) input.host = options.host;
  if (options.port !== undefined) input.port = options.port;
  if (options.database !== undefined) input.database = options.database;
  if (options.dbUser !== undefined) input.username = options.dbUser;
  if (options.sslmode !== undefined) input.sslmode = options.sslmode;
  if (options.sslrootcert !== undefined) input.sslrootcert = options.sslrootcert;
  if (options.sslcert !== undefined) input.sslcert = options.sslcert;
  if (options.sslkey !== undefined) input.sslkey = options.sslkey;
  if (options.description !== undefined) input.description = options.description;
  if (options.allowWrites !== undefined) input.allowWrites = options.allowWrites;
  if (options.perUser !== undefined) input.credentials = options.perUser ? 'per_user' : 'shared';
  if (options.monitored !== undefined) input.isMonitored = options.monitored;
  if (options.clearPassword) input.password = null;
  else if (options.password !== undefined || options.passwordStdin) {
    input.password = await obtainNewPassword(ctx.io.input, ctx.io.err, options, `connection ${name}`);
  }
  if (input.host !== undefined) {
    const security = ctx.loaded.config.connection_security;
    await createHostGuard({
      allowedHosts: security.allowed_hosts,
      blockedHosts: security.blocked_hosts,
      allowInternalNetworks: security.allow_internal_networks,
    }).check(input.host);
  }
  return input;
}

/** A pool manager with the config-file connections and the stored ones, for test and databases. */
async function poolsFor(ctx: AdminContext, store: ConnectionStore): Promise<PoolManager> {
  const pools = createPoolManager({
    connections: poolConnections(ctx.loaded.config),
    poolIdleTimeoutMs: 1_000,
  });
  const stored = await Promise.all((await store.list()).map((c) => poolDefinition(store, c)));
  await pools.applyConnections(stored);
  return pools;
}

function describeCheck(check: ConnectionCheck): string {
  return check.ok
    ? `${check.connection}: OK — PostgreSQL ${check.serverVersion ?? '?'}, ${check.latencyMs} ms`
    : `${check.connection}: FAILED (${check.error?.reason ?? 'other'}) — ${check.error?.message ?? ''}`;
}

/** `pgmcp connection add|list|show|update|delete|test|databases|login` and `pgmcp secrets rotate`. */
export function registerConnectionCommands(program: Command, io: AdminIo): void {
  const connection = program
    .command('connection')
    .description('Manage database connections stored in the account store (no restart needed).');
  const settings = (command: Command) =>
    command
      .option('--host <host>', 'server host name or IP address')
      .addOption(new Option('--port <port>', 'server port (default 5432)').argParser(Number))
      .option('--database <name>', 'database to connect to')
      .option('--db-user <role>', 'database login of a shared connection')
      .option('--password-stdin', 'read the database password from stdin (one line)')
      .option('--password <password>', 'the database password itself (visible in the process list; avoid)')
      .addOption(
        new Option('--sslmode <mode>', 'TLS mode').choices([
          'disable',
          'allow',
          'prefer',
          'require',
          'verify-ca',
          'verify-full',
        ]),
      )
      .option('--sslrootcert <file>', 'CA certificate file')
      .option('--sslcert <file>', 'client certificate file')
      .option('--sslkey <file>', 'client key file')
      .option('--description <text>', 'shown in connection lists')
      .option('--allow-writes', 'let tools write through it (read-only by default)')
      .option('--per-user', 'each user connects with their own login (pgmcp connection login)')
      .option('--monitored', 'watched by the monitoring collector');

  examples(
    settings(storeCommand(connection, 'add <name>', 'Add a connection; the password is stored encrypted.')),
    [
      `printf '%s\\n' "$DB_PASSWORD" | pgmcp connection add sales --host db.internal --database sales --db-user app --password-stdin`,
      'pgmcp connection add rls --host 10.0.0.5 --database app --per-user',
    ],
  ).action((name: string, options: ConnectionOptions) =>
    io.run(
      runAdmin(
        io,
        options,
        (ctx) =>
          withConnections(ctx, async (store): Promise<Output> => {
            const input = await inputFrom(ctx, options, name);
            const created = await store.create({ ...(input as ConnectionInput), name });
            return {
              json: connectionJson(created),
              text: `Added connection ${created.name} (${created.id}); running servers pick it up within seconds.`,
            };
          }),
        { create: true },
      ),
    ),
  );

  examples(storeCommand(connection, 'list', 'List the connections: from pgmcp.yaml and stored.'), [
    'pgmcp connection list',
    'pgmcp connection list --json',
  ]).action((options: StoreOptions) =>
    io.run(
      runAdmin(io, options, (ctx) =>
        withConnections(ctx, async (store): Promise<Output> => {
          const fromConfig = poolConnections(ctx.loaded.config).map((c) => ({
            name: c.name,
            source: 'config',
            target: c.url ? '(url)' : `${c.host ?? 'localhost'}:${c.port ?? 5432}/${c.database ?? ''}`,
            credentials: 'shared',
            writes: c.allowWrites ? 'yes' : 'no',
          }));
          const stored = (await store.list()).map((c) => ({
            name: c.name,
            source: 'store',
            target: `${c.host}:${c.port}/${c.database}`,
            credentials: c.credentials,
            writes: c.allowWrites ? 'yes' : 'no',
          }));
          const rows = [...fromConfig, ...stored];
          return {
            json: { connections: rows },
            text:
              rows.length === 0
                ? 'No connections (pgmcp serve uses the embedded demo database).'
                : table(
                    ['name', 'source', 'server', 'credentials', 'writes'],
                    rows.map((r) => [r.name, r.source, r.target, r.credentials, r.writes]),
                  ),
          };
        }),
      ),
    ),
  );

  examples(storeCommand(connection, 'show <name>', 'Show a stored connection (never its password).'), [
    'pgmcp connection show sales',
  ]).action((name: string, options: StoreOptions) =>
    io.run(
      runAdmin(io, options, (ctx) =>
        withConnections(ctx, async (store): Promise<Output> => {
          const c = await requireConnection(store, name);
          return {
            json: connectionJson(c),
            text: fields([
              ['Name', c.name],
              ['Id', c.id],
              ['Server', `${c.host}:${c.port}`],
              ['Database', c.database],
              ['Login', c.credentials === 'per_user' ? "each user's own" : (c.username ?? '(default)')],
              ['Password', c.hasPassword ? 'set (encrypted)' : 'none'],
              ['TLS', c.sslmode],
              ['Writes', c.allowWrites ? 'allowed' : 'read-only'],
              ['Monitored', c.isMonitored ? 'yes' : 'no'],
              ['Updated', formatTime(c.updatedAt)],
            ]),
          };
        }),
      ),
    ),
  );

  examples(
    settings(
      storeCommand(
        connection,
        'update <name>',
        'Change a stored connection; pools rebuild on the next call.',
      ),
    )
      .option('--clear-password', 'remove the stored password')
      .option('--read-only', 'stop allowing writes')
      .option('--no-monitored', 'stop the monitoring collector watching it'),
    [
      'pgmcp connection update sales --port 6432',
      'pgmcp connection update sales --monitored',
      `printf '%s\\n' "$NEW" | pgmcp connection update sales --password-stdin`,
    ],
  ).action((name: string, options: ConnectionOptions & { readOnly?: boolean }) =>
    io.run(
      runAdmin(io, options, (ctx) =>
        withConnections(ctx, async (store): Promise<Output> => {
          const current = await requireConnection(store, name);
          const input = await inputFrom(ctx, options, name);
          if (options.readOnly) input.allowWrites = false;
          if (Object.keys(input).length === 0)
            throw new CliError('Nothing to change: give at least one option.');
          const updated = await store.update(current.id, input);
          return { json: connectionJson(updated), text: `Updated connection ${updated.name}.` };
        }),
      ),
    ),
  );

  examples(
    storeCommand(connection, 'delete <name>', 'Delete a stored connection; its pools close.').option(
      '-y, --yes',
      'do not ask for confirmation',
    ),
    ['pgmcp connection delete sales --yes'],
  ).action((name: string, options: ConnectionOptions) =>
    io.run(
      runAdmin(io, options, (ctx) =>
        withConnections(ctx, async (store): Promise<Output> => {
          const current = await requireConnection(store, name);
          await confirm(ctx.io.input, ctx.io.err, `Delete connection ${current.name}?`, options.yes);
          await store.delete(current.id);
          return { json: { deleted: current.name }, text: `Deleted connection ${current.name}.` };
        }),
      ),
    ),
  );

  examples(
    storeCommand(
      connection,
      'test <name>',
      'Connect once: server version and latency, or why it failed.',
    ).option('--user <username>', "for a per-user connection: test that pgmcp user's own login"),
    ['pgmcp connection test sales', 'pgmcp connection test rls --user ann'],
  ).action((name: string, options: ConnectionOptions) =>
    io.run(
      runAdmin(io, options, (ctx) =>
        withConnections(ctx, async (store): Promise<Output> => {
          const pools = await poolsFor(ctx, store);
          try {
            const info = pools.getConnection(name);
            let login: { user: string; password?: string } | undefined;
            if (options.user && info.id) {
              const user = await requireUser(ctx.store, options.user);
              const own = await store.findUserCredentials(info.id, user.id);
              if (!own)
                throw new CliError(
                  `${user.username} has no login stored for ${name}: pgmcp connection login ${name} --user ${user.username}.`,
                );
              login = { user: own.username, ...(own.password ? { password: own.password } : {}) };
            }
            const check = await pools.check(info.name, 5_000, login);
            if (!check.ok && !ctx.json) throw new CliError(describeCheck(check), 'failure');
            return {
              json: {
                ok: check.ok,
                latency_ms: check.latencyMs,
                ...(check.serverVersion ? { server_version: check.serverVersion } : {}),
                ...(check.error ? { error: check.error } : {}),
              },
              text: describeCheck(check),
            };
          } finally {
            await pools.close();
          }
        }),
      ),
    ),
  );

  examples(storeCommand(connection, 'databases <name>', "List the databases on the connection's server."), [
    'pgmcp connection databases sales',
  ]).action((name: string, options: StoreOptions) =>
    io.run(
      runAdmin(io, options, (ctx) =>
        withConnections(ctx, async (store): Promise<Output> => {
          const pools = await poolsFor(ctx, store);
          try {
            const rows = await pools.withSession(
              { sessionKey: 'cli', connection: name, readOnly: true },
              async ({ client }) =>
                (
                  await client.query<{ name: string; owner: string; encoding: string; size_bytes: string }>(
                    `SELECT d.datname AS name, pg_get_userbyid(d.datdba) AS owner,
                          pg_encoding_to_char(d.encoding) AS encoding, pg_database_size(d.oid) AS size_bytes
                   FROM pg_database d
                   WHERE d.datallowconn AND NOT d.datistemplate AND has_database_privilege(d.datname, 'CONNECT')
                   ORDER BY d.datname`,
                  )
                ).rows,
            );
            const databases = rows.map((r) => ({ ...r, size_bytes: Number(r.size_bytes) }));
            return {
              json: { databases },
              text: table(
                ['name', 'owner', 'encoding', 'size'],
                databases.map((d) => [d.name, d.owner, d.encoding, `${Math.round(d.size_bytes / 1024)} kB`]),
              ),
            };
          } catch (error) {
            if (error instanceof Error && 'code' in error) throw new CliError(error.message, 'failure');
            throw error;
          } finally {
            await pools.close();
          }
        }),
      ),
    ),
  );

  examples(
    storeCommand(
      connection,
      'login <name>',
      "Store a user's own database login for a per-user connection (encrypted).",
    )
      .requiredOption('--user <username>', 'the pgmcp user the login belongs to')
      .option('--db-user <role>', 'their database role (required unless --logout)')
      .option('--password-stdin', 'read the database password from stdin (one line)')
      .option('--password <password>', 'the database password itself (visible in the process list; avoid)')
      .option('--logout', 'delete the stored login instead'),
    [
      `printf '%s\\n' "$MY_DB_PASSWORD" | pgmcp connection login rls --user ann --db-user ann --password-stdin`,
      'pgmcp connection login rls --user ann --logout',
    ],
  ).action((name: string, options: ConnectionOptions) =>
    io.run(
      runAdmin(io, options, (ctx) =>
        withConnections(ctx, async (store): Promise<Output> => {
          const c = await requireConnection(store, name);
          const user = await requireUser(ctx.store, options.user ?? '');
          if (options.logout) {
            const removed = await store.deleteUserCredentials(c.id, user.id);
            if (!removed)
              throw new CliError(`${user.username} has no login stored for ${c.name}.`, 'failure');
            return {
              json: { connection: c.name, user: user.username, stored: false },
              text: `Deleted ${user.username}'s login for ${c.name}.`,
            };
          }
          if (c.credentials !== 'per_user') {
            throw new CliError(
              `${c.name} uses one shared login; per-user logins are for connections added with --per-user.`,
            );
          }
          if (!options.dbUser) throw new CliError('Give the database role with --db-user.');
          const password =
            options.password !== undefined || options.passwordStdin
              ? await obtainNewPassword(ctx.io.input, ctx.io.err, options, `${user.username} on ${c.name}`)
              : undefined;
          await store.setUserCredentials(c.id, user.id, {
            username: options.dbUser,
            ...(password ? { password } : {}),
          });
          return {
            json: { connection: c.name, user: user.username, stored: true },
            text: `Stored ${user.username}'s login (${options.dbUser}) for ${c.name}, encrypted.`,
          };
        }),
      ),
    ),
  );

  const secrets = program.command('secrets').description('Manage the key that encrypts stored secrets.');
  examples(
    storeCommand(
      secrets,
      'rotate',
      'Add a new key to the key file and re-encrypt every stored secret with it; running servers keep working.',
    ).option('--prune', 'afterwards, remove the old keys from the key file'),
    ['pgmcp secrets rotate', 'pgmcp secrets rotate --prune'],
  ).action((options: ConnectionOptions) =>
    io.run(
      runAdmin(io, options, (ctx) =>
        withConnections(ctx, async (store): Promise<Output> => {
          const file = store.keyRing.file;
          const key = addKeyToFile(file);
          const count = await store.reencryptSecrets();
          const pruned = options.prune ? pruneKeyFile(file, new Set([key.id])) : [];
          return {
            json: { key_file: file, active_key: key.id, reencrypted: count, pruned },
            text:
              `Added key ${key.id} to ${file} and re-encrypted ${count} secret(s) with it.` +
              (pruned.length > 0
                ? ` Removed old key(s) ${pruned.join(', ')}; back up the key file now.`
                : ' Old keys stay readable; back up the key file now, then run with --prune once every replica has the new file.'),
          };
        }),
      ),
    ),
  );
}
