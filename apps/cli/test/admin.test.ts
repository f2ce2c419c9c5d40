import { existsSync } from 'node:fs';
import path from 'node:path';
import { type AuthStoreError, createAuthStore, type AuthStore } from '@pgmcp/auth-store';
import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, pgmcp, pgmcpJson, rawRows, sha256, workspace, type Workspace } from './admin-helpers.js';

const open: AuthStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
});

/** The same store the CLI works on, opened in the test process (no cache, so CLI changes show at once). */
async function storeOf(ws: Workspace): Promise<AuthStore> {
  const store = await createAuthStore({ url: ws.storeUrl, bcryptCost: 4, cache: { ttlMs: 0 } });
  open.push(store);
  return store;
}

async function loginError(store: AuthStore, username: string, password: string): Promise<string | undefined> {
  try {
    await store.login(username, password);
    return undefined;
  } catch (error) {
    return (error as AuthStoreError).code;
  }
}

/** A workspace with a superuser `root` and a user `ann`. */
async function populated(): Promise<Workspace> {
  const ws = workspace();
  expect((await pgmcp(ws, ['user', 'add', 'root', '--superuser', '--password-stdin'], PASSWORD)).code).toBe(
    0,
  );
  expect((await pgmcp(ws, ['user', 'add', 'ann', '--password-stdin'], `${PASSWORD}\n`)).code).toBe(0);
  return ws;
}

describe('pgmcp admin commands on a SQLite store', { timeout: 120_000 }, () => {
  it('lists the admin commands in --help and gives every subcommand examples', async () => {
    const ws = workspace();
    const help = await pgmcp(ws, ['--help']);
    expect(help.stdout).toContain('Administration (works on the store directly):');
    for (const command of ['user', 'token', 'group', 'grant', 'revoke', 'privileges']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    const subcommands = [
      ['user', 'add'],
      ['user', 'delete'],
      ['token', 'create'],
      ['group', 'add-member'],
      ['grant', 'connection'],
      ['revoke', 'tool'],
      ['privileges', 'show'],
    ];
    const helps = await Promise.all(subcommands.map((args) => pgmcp(ws, [...args, '--help'])));
    for (const [i, result] of helps.entries()) {
      expect(result.code, subcommands[i]!.join(' ')).toBe(0);
      expect(result.stdout).toContain('Examples:\n  pgmcp ');
      expect(result.stdout).toContain('--data-dir <dir>');
      expect(result.stdout).toContain('--json');
    }
    expect(helps[0]!.stdout).toContain('--password-stdin');
    expect(helps[0]!.stdout).toContain('visible in the process list');
  });

  it('refuses to read a store that does not exist, and creates one on the first add', async () => {
    const ws = workspace();
    const missing = await pgmcp(ws, ['user', 'list']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `pgmcp: There is no pgmcp store at ${ws.storeUrl}. Point at the right one with --data-dir, --config ` +
        'or PGMCP_STORE_URL; pgmcp serve or pgmcp user add creates a new one.\n',
    );
    expect(existsSync(ws.storeUrl)).toBe(false);

    // --data-dir and --config flags instead of the environment and ./pgmcp.yaml.
    const elsewhere = path.join(ws.dir, 'elsewhere');
    const flags = ['--data-dir', elsewhere, '--config', path.join(ws.dir, 'pgmcp.yaml')];
    const env = { ...ws.env, PGMCP_DATA_DIR: '' };
    const added = await pgmcp(
      { ...ws, env, dir: '/' },
      ['user', 'add', 'ann', '--password-stdin', ...flags],
      PASSWORD,
    );
    expect(added.code).toBe(0);
    expect(added.stderr).toContain(`pgmcp: created a new store at ${path.join(elsewhere, 'pgmcp.sqlite')}\n`);
    expect(added.stderr).toContain(
      "pgmcp: warning: this store has no superuser: the server creates 'admin' only in an empty store.",
    );
    expect(added.stdout).toBe(
      'Created user ann.\nGive them access through a group: pgmcp group add-member GROUP --user ann\n',
    );
    const listed = await pgmcpJson({ ...ws, env, dir: '/' }, ['user', 'list', ...flags]);
    expect(listed.users.map((u: { username: string }) => u.username)).toEqual(['ann']);
  });

  it('runs a user through add, list, show, passwd, disable, enable and delete', async () => {
    const ws = await populated();
    const store = await storeOf(ws);

    const added = await pgmcpJson(
      ws,
      ['user', 'add', 'Bob', '--display-name', 'Bob Jones', '--email', 'bob@example.com', '--password-stdin'],
      `${PASSWORD}\n`,
    );
    expect(added.user).toMatchObject({
      username: 'Bob',
      display_name: 'Bob Jones',
      email: 'bob@example.com',
      enabled: true,
      superuser: false,
      service_account: false,
      has_password: true,
      last_login_at: null,
    });
    // The piped password is the one stored (the trailing newline is not part of it).
    expect(await loginError(store, 'bob', PASSWORD)).toBeUndefined();

    const service = await pgmcp(ws, ['user', 'add', 'ci-bot', '--service-account']);
    expect(service.stdout).toContain('Created service account ci-bot.');

    const list = await pgmcp(ws, ['user', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^USERNAME +DISPLAY NAME +KIND +STATUS +GROUPS +LAST LOGIN$/);
    expect(list.stdout).toMatch(/^Bob +Bob Jones +user +enabled +\d{4}-\d\d-\d\d \d\d:\d\d$/m);
    expect(list.stdout).toMatch(/^ci-bot +service account +enabled +never$/m);
    expect(list.stdout).toMatch(/^root +superuser +enabled +never$/m);

    const show = await pgmcp(ws, ['user', 'show', 'bob']);
    expect(show.stdout).toContain('User        Bob (Bob Jones) <bob@example.com>\n');
    expect(show.stdout).toContain('Lock        not locked\n');
    expect(show.stdout).toMatch(/Last login  \d{4}-\d\d-\d\d \d\d:\d\d\n/);
    expect(show.stdout).toContain('Access      tools: none\n            resources: none');
    expect(show.stdout).toContain('pgmcp privileges show Bob explains each decision.');

    const newPassword = 'a different long passphrase';
    const passwd = await pgmcp(ws, ['user', 'passwd', 'bob', '--password-stdin'], newPassword);
    expect(passwd.code).toBe(0);
    expect(passwd.stdout).toContain('Changed the password of Bob; their login sessions were ended');
    expect(await loginError(store, 'bob', PASSWORD)).toBe('INVALID_CREDENTIALS');
    expect(await loginError(store, 'bob', newPassword)).toBeUndefined();

    const { token } = await store.createApiToken((await store.getUserByUsername('bob')).id);
    const disabled = await pgmcp(ws, ['user', 'disable', 'bob']);
    expect(disabled.stdout).toBe(
      'Disabled Bob: their sessions ended and their API tokens are suspended until pgmcp user enable Bob.\n',
    );
    expect(await loginError(store, 'bob', newPassword)).toBe('ACCOUNT_DISABLED');
    expect(await store.authenticate(token)).toBeUndefined();
    expect((await pgmcp(ws, ['user', 'disable', 'bob'])).stdout).toBe('Bob was already disabled.\n');
    const enabled = await pgmcpJson(ws, ['user', 'enable', 'bob']);
    expect(enabled).toMatchObject({ changed: true, user: { enabled: true } });
    expect((await store.authenticate(token))?.user.username).toBe('Bob');

    const refused = await pgmcp(ws, ['user', 'delete', 'bob']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'pgmcp: stdin is not a terminal, so pgmcp cannot ask for confirmation: add --yes to go ahead.\n',
    );
    const deleted = await pgmcp(ws, ['user', 'delete', 'bob', '--yes']);
    expect(deleted.stdout).toBe('Deleted user Bob with 1 API token and their group memberships.\n');
    expect(await store.findUserByUsername('bob')).toBeUndefined();
    expect(await store.authenticate(token)).toBeUndefined();

    const last = await pgmcp(ws, ['user', 'delete', 'root', '--yes']);
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('last enabled superuser');
    expect(last.stderr).toContain('To add one: pgmcp user add NAME --superuser.');
  });

  it('shows a lockout after failed logins and ends it with unlock', async () => {
    const ws = await populated();
    const store = await storeOf(ws);
    for (let i = 0; i < 5; i++)
      expect(await loginError(store, 'ann', 'wrong password!')).toBe('INVALID_CREDENTIALS');
    // Locked answers like a wrong password (security issue 11 §5); the CLI shows the lock.
    expect(await loginError(store, 'ann', PASSWORD)).toBe('INVALID_CREDENTIALS');

    const show = await pgmcp(ws, ['user', 'show', 'ann']);
    expect(show.stdout).toMatch(
      /Lock {8}locked until \d{4}-\d\d-\d\d \d\d:\d\d \(5 failed logins\); pgmcp user unlock ann ends it\n/,
    );
    expect((await pgmcp(ws, ['user', 'list'])).stdout).toMatch(/^ann +user +locked +never$/m);
    const json = await pgmcpJson(ws, ['user', 'show', 'ann']);
    expect(json.user).toMatchObject({ locked: true, failed_attempts: 5 });
    expect(Date.parse(json.user.locked_until)).toBeGreaterThan(Date.now());

    const unlocked = await pgmcp(ws, ['user', 'unlock', 'ann']);
    expect(unlocked.stdout).toBe('Unlocked ann (cleared 5 failed logins).\n');
    expect(await loginError(store, 'ann', PASSWORD)).toBeUndefined();
    expect((await pgmcp(ws, ['user', 'unlock', 'ann'])).stdout).toBe('ann was not locked.\n');
  });

  it('creates a token that is shown once and stored only as a hash; lists and revokes it', async () => {
    const ws = await populated();
    const store = await storeOf(ws);

    const created = await pgmcp(ws, [
      'token',
      'create',
      '--user',
      'ann',
      '--note',
      'laptop',
      '--expires',
      '30d',
    ]);
    expect(created.code).toBe(0);
    // stdout holds the token alone, so TOKEN=$(pgmcp token create ...) works; the notes go to stderr.
    const token = created.stdout.trim();
    expect(created.stdout).toMatch(/^pgmcp_[A-Za-z0-9_-]{43}\n$/);
    expect(created.stderr).toContain('Store it now: it will not be shown again');
    expect(created.stderr).toMatch(
      /Created API token tok_\S+ for ann\n {2}note: {4}laptop\n {2}expires: \d{4}-/,
    );
    expect(created.stderr).not.toContain(token);
    expect((await store.authenticate(token))?.user.username).toBe('ann');

    const [row, ...others] = await rawRows(ws.storeUrl, 'auth_api_tokens');
    expect(others).toEqual([]);
    expect(row!.token_hash).toBe(sha256(token));
    expect(Object.values(row!).some((value) => String(value).includes(token.slice(10)))).toBe(false);

    const json = await pgmcpJson(ws, [
      'token',
      'create',
      '--user',
      'root',
      '--note',
      'ci',
      '--expires',
      '2099-12-31',
    ]);
    expect(json.token).toMatch(/^pgmcp_/);
    expect(json.api_token).toMatchObject({ username: 'root', note: 'ci', status: 'active', scope: null });
    expect(new Date(json.api_token.expires_at).toISOString()).toBe('2100-01-01T00:00:00.000Z');

    const list = await pgmcp(ws, ['token', 'list']);
    expect(list.stdout.split('\n')[0]).toMatch(
      /^ID +OWNER +PREFIX +NOTE +STATUS +CREATED +EXPIRES +LAST USED +SCOPE$/,
    );
    expect(list.stdout).toMatch(
      /^tok_\S+ +ann +pgmcp_\S{4}… +laptop +active +(\d{4}-\d\d-\d\d \d\d:\d\d +){3}full \(the owner's rights\)$/m,
    );
    expect(list.stdout).not.toContain(token);
    expect(list.stdout).not.toContain(json.token);
    const annTokens = await pgmcpJson(ws, ['token', 'list', '--user', 'ann']);
    expect(annTokens.tokens).toHaveLength(1);
    const id: string = annTokens.tokens[0].id;
    expect(annTokens.tokens[0]).toMatchObject({
      username: 'ann',
      note: 'laptop',
      prefix: token.slice(0, 10),
    });
    expect(JSON.stringify(annTokens)).not.toContain(token);

    const typo = await pgmcp(ws, ['token', 'revoke', id, 'tok_typo']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      "pgmcp: There is no API token with id 'tok_typo'. pgmcp token list shows the ids (tok_…), not the secrets.\n",
    );
    expect(await store.authenticate(token)).toBeDefined();
    const revoked = await pgmcp(ws, ['token', 'revoke', id]);
    expect(revoked.stdout).toContain(`Revoked ${id} (ann, "laptop").`);
    expect(await store.authenticate(token)).toBeUndefined();
    expect((await pgmcpJson(ws, ['token', 'list', '--user', 'ann'])).tokens).toEqual([]);
  });

  it('nests groups, shows members and grants, and refuses a cycle with the store message', async () => {
    const ws = await populated();
    for (const name of ['dev', 'engineering', 'staff']) {
      expect((await pgmcp(ws, ['group', 'add', name, '--description', `the ${name}`])).code).toBe(0);
    }
    expect((await pgmcp(ws, ['group', 'add-member', 'dev', '--user', 'ann', '--user', 'root'])).stdout).toBe(
      'Added user ann to dev.\nAdded user root to dev.\n',
    );
    await pgmcp(ws, ['group', 'add-member', 'engineering', '--group', 'dev']);
    await pgmcp(ws, ['group', 'add-member', 'staff', '--group', 'engineering']);
    expect((await pgmcp(ws, ['group', 'add-member', 'dev', '--user', 'ann'])).stdout).toBe(
      'user ann was already a member of dev.\n',
    );

    const cycle = await pgmcp(ws, ['group', 'add-member', 'dev', '--group', 'staff']);
    expect(cycle.code).toBe(1);
    expect(cycle.stderr).toBe(
      "pgmcp: Adding group 'staff' to 'dev' would make a group contain itself: dev → staff → engineering → dev.\n",
    );

    const taken = await pgmcp(ws, ['group', 'add', 'DEV']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe("pgmcp: A group named 'dev' already exists. pgmcp group show dev shows it.\n");

    const list = await pgmcp(ws, ['group', 'list']);
    expect(list.stdout).toBe(
      [
        'NAME         MEMBERS              GRANTS  DESCRIPTION',
        'dev          ann, root            0       the dev',
        'engineering  dev (group)          0       the engineering',
        'staff        engineering (group)  0       the staff',
        '',
      ].join('\n'),
    );
    const show = await pgmcpJson(ws, ['group', 'show', 'engineering']);
    expect(show).toMatchObject({
      group: { name: 'engineering', description: 'the engineering' },
      members: { users: [], groups: ['dev'] },
      member_of: ['staff'],
    });
    expect((await pgmcp(ws, ['user', 'show', 'ann'])).stdout).toContain(
      'Groups      dev, engineering (via dev), staff (via dev → engineering)\n',
    );

    expect((await pgmcp(ws, ['group', 'remove-member', 'engineering', '--group', 'dev'])).stdout).toBe(
      'Removed group dev from engineering.\n',
    );
    expect((await pgmcp(ws, ['group', 'remove-member', 'engineering', '--group', 'dev'])).stdout).toBe(
      'group dev was not a member of engineering.\n',
    );
    expect((await pgmcp(ws, ['group', 'delete', 'staff', '--yes'])).stdout).toBe(
      'Deleted group staff with its memberships and grants.\n',
    );
    const noMember = await pgmcp(ws, ['group', 'add-member', 'dev']);
    expect(noMember.code).toBe(2);
    expect(noMember.stderr).toContain('Name at least one member: --user NAME or --group NAME');
  });

  it('grants and revokes tools, connections and admin permissions, and marks items public', async () => {
    const ws = await populated();
    const store = await storeOf(ws);
    await store.registerMcpItems([
      { kind: 'tool', name: 'query_database' },
      { kind: 'tool', name: 'list_database_connections' },
      { kind: 'resource', name: 'pg://system_info' },
    ]);
    await pgmcp(ws, ['group', 'add', 'analysts']);
    await pgmcp(ws, ['group', 'add-member', 'analysts', '--user', 'ann']);

    // A typo is refused, and nothing of the command is granted.
    const typo = await pgmcp(ws, ['grant', 'tool', 'query_database', 'query_databse', '--group', 'analysts']);
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toBe(
      "pgmcp: The store does not know the tool 'query_databse'. Did you mean query_database?\n" +
        'pgmcp: The server registers its items when it starts; pgmcp privileges items lists the known ones. ' +
        'Nothing was changed; to grant an item of a server that has not started yet, add --force.\n',
    );
    expect((await store.listGroupPrivileges((await store.getGroupByName('analysts')).id)).mcpItems).toEqual(
      [],
    );
    const tool = await pgmcp(ws, [
      'grant',
      'tool',
      'query_database',
      'query_databse',
      '--group',
      'analysts',
      '--force',
    ]);
    expect(tool.code).toBe(0);
    expect(tool.stdout).toBe(
      'Granted tool query_database to analysts.\nGranted tool query_databse to analysts.\n',
    );
    expect(tool.stderr).toBe(
      "pgmcp: warning: the store does not know the tool 'query_databse'. Did you mean query_database? " +
        'The server registers its items when it starts; pgmcp privileges items lists the known ones.\n',
    );
    expect((await pgmcp(ws, ['grant', 'tool', 'query_database', '--group', 'analysts'])).stdout).toBe(
      'analysts already had tool query_database.\n',
    );
    await pgmcp(ws, ['grant', 'resource', 'pg://system_info', '--group', 'analysts']);
    const connection = await pgmcp(ws, ['grant', 'connection', 'demo', '--group', 'analysts']);
    expect(connection.stdout).toBe('Granted read access to connection demo to analysts.\n');
    expect(connection.stderr).toBe('');
    expect(
      (await pgmcp(ws, ['grant', 'connection', 'demo', 'read_write', '--group', 'analysts'])).stdout,
    ).toBe("Changed analysts's access to connection demo from read to read_write.\n");
    const unknownConnection = await pgmcp(ws, ['grant', 'connection', 'prod', '--group', 'analysts']);
    expect(unknownConnection.stderr).toBe(
      `pgmcp: warning: ${path.join(ws.dir, 'pgmcp.yaml')} defines no connection 'prod' (known: demo).\n`,
    );
    expect(
      (await pgmcp(ws, ['grant', 'admin', 'manage_users', 'manage-groups', '--group', 'analysts'])).stdout,
    ).toBe('Granted admin manage_users to analysts.\nGranted admin manage_groups to analysts.\n');
    const pub = await pgmcp(ws, ['grant', 'tool', 'list_database_connections', '--public']);
    expect(pub.stdout).toContain('Marked tool list_database_connections public');

    let access = await store.accessForUser((await store.getUserByUsername('ann')).id);
    expect(access.canUseItem('tool', 'query_database')).toBe(true);
    expect(access.canUseItem('resource', 'pg://system_info')).toBe(true);
    expect(access.connectionAccess('demo')).toBe('read_write');
    expect(access.hasAdmin('manage_groups')).toBe(true);
    expect(access.canUseItem('tool', 'list_database_connections')).toBe(true);

    const items = await pgmcpJson(ws, ['privileges', 'items']);
    expect(items.items).toContainEqual({
      kind: 'tool',
      name: 'list_database_connections',
      public: true,
      description: null,
    });
    const shown = await pgmcp(ws, ['group', 'show', 'analysts']);
    expect(shown.stdout).toContain(
      [
        'Grants       resource pg://system_info',
        '             tool query_database',
        '             tool query_databse',
        '             connection demo (read_write)',
        '             connection prod (read)',
        '             admin manage_groups',
        '             admin manage_users',
      ].join('\n'),
    );

    expect((await pgmcp(ws, ['revoke', 'tool', 'query_database', '--group', 'analysts'])).stdout).toBe(
      'Revoked tool query_database from analysts.\n',
    );
    expect((await pgmcp(ws, ['revoke', 'connection', 'demo', '--group', 'analysts'])).stdout).toBe(
      "Revoked analysts's read_write access to connection demo.\n",
    );
    expect((await pgmcp(ws, ['revoke', 'admin', 'all', '--group', 'analysts'])).stdout).toContain(
      'Revoked admin manage_users from analysts.\nRevoked admin manage_groups from analysts.\nanalysts did not have admin manage_permissions.',
    );
    const json = await pgmcpJson(ws, ['revoke', 'tool', 'list_database_connections', '--public']);
    expect(json).toEqual({
      group: null,
      public: true,
      changes: [{ kind: 'tool', name: 'list_database_connections', public: false, changed: true }],
    });
    access = await store.accessForUser((await store.getUserByUsername('ann')).id);
    expect(access.canUseItem('tool', 'query_database')).toBe(false);
    expect(access.canUseItem('tool', 'list_database_connections')).toBe(false);
    expect(access.connectionAccess('demo')).toBeUndefined();
    expect(access.hasAdmin('manage_users')).toBe(false);

    const both = await pgmcp(ws, ['grant', 'tool', 'x', '--group', 'analysts', '--public']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('pgmcp: Say who: --group NAME, or --public for everyone (not both).\n');
    const noGroup = await pgmcp(ws, ['grant', 'connection', 'demo']);
    expect(noGroup.code).toBe(2);
    expect(noGroup.stderr).toContain("error: required option '-g, --group <name>' not specified");
    const unknownGroup = await pgmcp(ws, ['grant', 'tool', 'query_database', '--group', 'analyst']);
    expect(unknownGroup.code).toBe(2);
    expect(unknownGroup.stderr).toBe(
      "pgmcp: There is no group named 'analyst'. pgmcp group list shows the groups; pgmcp group add analyst creates it.\n",
    );
  });

  it("explains a token's access narrowed by its scope, as text and as JSON", async () => {
    const ws = await populated();
    const store = await storeOf(ws);
    await store.registerMcpItems([
      { kind: 'tool', name: 'query_database' },
      { kind: 'tool', name: 'get_schema_info' },
    ]);
    await pgmcp(ws, ['group', 'add', 'dev']);
    await pgmcp(ws, ['group', 'add', 'dbas']);
    await pgmcp(ws, ['group', 'add-member', 'dbas', '--group', 'dev']);
    await pgmcp(ws, ['group', 'add-member', 'dev', '--user', 'ann']);
    await pgmcp(ws, ['grant', 'tool', 'query_database', 'get_schema_info', '--group', 'dbas']);
    await pgmcp(ws, ['grant', 'connection', 'demo', 'read_write', '--group', 'dbas']);
    await pgmcp(ws, ['grant', 'admin', 'manage_users', '--group', 'dev']);

    const created = await pgmcpJson(ws, [
      'token',
      'create',
      '--user',
      'ann',
      '--note',
      'ci',
      '--scope-tools',
      'query_database',
      '--scope-connections',
      'demo:read',
      '--scope-admin',
      'none',
    ]);
    expect(created.api_token.scope).toEqual({
      mcp_items: [{ kind: 'tool', name: 'query_database' }],
      connections: [{ name: 'demo', access: 'read' }],
      admin: [],
    });
    const id: string = created.api_token.id;

    const text = await pgmcp(ws, ['privileges', 'show', '--token', id]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Token    ${id} "ci" (active)\n`);
    expect(text.stdout).toContain('Groups   dev, dbas (via dev)\n');
    expect(text.stdout).toContain('Scope    tools query_database; connections demo:read; admin none\n');
    expect(text.stdout).toMatch(/^tool +get_schema_info +no +denied: outside the token scope$/m);
    expect(text.stdout).toMatch(/^tool +query_database +yes +granted by dbas \(via dev\)$/m);
    expect(text.stdout).toMatch(
      /^demo +read +read: the token scope narrows read_write \(granted by dbas \(via dev\)\)$/m,
    );
    expect(text.stdout).toMatch(/^manage_users +no +denied: outside the token scope$/m);

    const user = await pgmcp(ws, ['privileges', 'show', 'ann']);
    expect(user.stdout).toMatch(/^tool +get_schema_info +yes +granted by dbas \(via dev\)$/m);
    expect(user.stdout).toMatch(/^demo +read_write +read_write: granted by dbas \(via dev\)$/m);
    expect(user.stdout).toMatch(/^manage_users +yes +granted by dev$/m);

    const json = await pgmcpJson(ws, ['privileges', 'show', '--token', id]);
    expect(json.token).toMatchObject({ id, note: 'ci' });
    expect(json.access.connections).toEqual([
      {
        name: 'demo',
        access: 'read',
        granted_by: [{ group: 'dbas', access: 'read_write' }],
        reason: 'read: the token scope narrows read_write (granted by dbas (via dev))',
      },
    ]);
    expect(json.access.groups).toEqual([
      { name: 'dev', path: ['dev'] },
      { name: 'dbas', path: ['dev', 'dbas'] },
    ]);
    const tokenAccess = await store.accessForApiToken(id);
    expect(tokenAccess.connectionAccess('demo')).toBe('read');

    const superuser = await pgmcp(ws, ['privileges', 'show', 'root']);
    expect(superuser.stdout).toContain('Superuser: every check passes');
    expect(superuser.stdout).toMatch(/^\(any other\) +read_write +superuser$/m);

    const neither = await pgmcp(ws, ['privileges', 'show']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('Name a user or a token');
  });

  it('answers bad input with a message naming the problem and exit code 2', async () => {
    const ws = await populated();
    const cases: [string[], string | undefined, string][] = [
      [
        ['user', 'show', 'nobody'],
        undefined,
        "pgmcp: There is no user named 'nobody'. pgmcp user list shows the users.\n",
      ],
      [
        ['user', 'add', 'weak', '--password-stdin'],
        'short\n',
        'pgmcp: The password must be at least 12 characters long',
      ],
      [['user', 'add', 'long', '--password-stdin'], 'x'.repeat(80), 'pgmcp: '],
      [
        ['user', 'add', 'nopass'],
        undefined,
        'stdin is not a terminal, so pgmcp cannot ask for the password of nopass',
      ],
      [['user', 'add', 'empty', '--password-stdin'], '', 'No password arrived on stdin.'],
      [['user', 'add', '-bad', '--password-stdin'], PASSWORD, "error: unknown option '-bad'"],
      [['user', 'add', 'bad/name', '--password-stdin'], PASSWORD, 'The username must be 1 to 64 characters'],
      [
        ['user', 'add', 'svc', '--service-account', '--password-stdin'],
        PASSWORD,
        'A service account has no password',
      ],
      [
        ['user', 'add', 'mail', '--email', 'nope', '--password-stdin'],
        PASSWORD,
        "The email 'nope' is not an e-mail address.",
      ],
      [
        ['token', 'create', '--user', 'ann', '--expires', 'soon'],
        undefined,
        "argument 'soon' is invalid. Use a duration",
      ],
      [
        ['token', 'create', '--user', 'ann', '--expires', '2001-01-01'],
        undefined,
        '2001-01-01 is not in the future.',
      ],
      [
        ['token', 'create', '--user', 'ann', '--scope-connections', 'demo:all'],
        undefined,
        "Unknown access 'all'",
      ],
      [
        ['token', 'create', '--user', 'ann', '--scope-admin', 'root'],
        undefined,
        "Unknown admin permission 'root'",
      ],
      [['token', 'create'], undefined, "required option '-u, --user <username>' not specified"],
      [['token', 'create', '--user', 'nobody'], undefined, "There is no user named 'nobody'."],
      [
        ['user', 'passwd', 'ann', '--password-stdin', '--password', 'x'],
        undefined,
        'Give the password one way',
      ],
      [['grant', 'admin', 'everything', '--group', 'x'], undefined, "Unknown admin permission 'everything'"],
      [['grant', 'connection', 'demo', 'write-all', '--group', 'x'], undefined, "Unknown access 'write-all'"],
      [['user'], undefined, 'Usage: pgmcp user [options] [command]'],
    ];
    const results = await Promise.all(cases.map(([args, input]) => pgmcp(ws, args, input)));
    for (const [i, result] of results.entries()) {
      const [args, , message] = cases[i]!;
      expect(result.stderr, args.join(' ')).toContain(message);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
    expect(results[2]!.stderr).toMatch(/72 bytes/);

    const taken = await pgmcp(ws, ['user', 'add', 'ANN', '--password-stdin'], PASSWORD);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe("pgmcp: A user named 'ann' already exists. pgmcp user show ann shows it.\n");

    const badConfig = await pgmcp(ws, ['user', 'list', '--config', path.join(ws.dir, 'missing.yaml')]);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toBe(
      `pgmcp: The config file ${path.join(ws.dir, 'missing.yaml')} does not exist.\n`,
    );

    const warned = await pgmcp(ws, ['user', 'passwd', 'ann', '--password', 'visible in ps!!']);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain(
      'pgmcp: warning: a password given with --password is visible to other users',
    );
  });
});
