import type { User } from '@pgmcp/auth-store';
import type { Command } from 'commander';
import { accessSummary, describeGroups, explanationJson } from './access-report.js';
import {
  examples,
  runAdmin,
  storeCommand,
  type AdminContext,
  type AdminIo,
  type StoreOptions,
} from './admin-context.js';
import { CliError } from './cli-error.js';
import {
  describeUser,
  fields,
  formatTime,
  isLocked,
  table,
  userJson,
  userKind,
  userStatus,
} from './format.js';
import { requireUser } from './lookups.js';
import { confirm, obtainNewPassword, type PasswordOptions } from './prompt.js';

interface AddOptions extends StoreOptions, PasswordOptions {
  displayName?: string;
  email?: string;
  superuser?: boolean;
  serviceAccount?: boolean;
}

const PASSWORD_HELP = `
Passwords are asked for twice without echo on a terminal. In scripts, pipe the password in
with --password-stdin (one line). --password works too, but other users of the machine can
read it in the process list, so pgmcp warns about it.`;

function addPasswordOptions(command: Command): Command {
  return command
    .option('--password-stdin', 'read the password from stdin (one line) instead of prompting')
    .option('--password <password>', 'the password itself (visible in the process list; avoid)');
}

async function addUser(ctx: AdminContext, username: string, options: AddOptions) {
  const { store } = ctx;
  const existing = await store.findUserByUsername(username);
  if (existing) {
    throw new CliError(
      `A user named '${existing.username}' already exists. pgmcp user show ${existing.username} shows it.`,
      'failure',
    );
  }
  if (options.serviceAccount && (options.password !== undefined || options.passwordStdin)) {
    throw new CliError('A service account has no password (it uses API tokens): drop the password option.');
  }
  const password = options.serviceAccount
    ? undefined
    : await obtainNewPassword(ctx.io.input, ctx.io.err, options, username);
  const hadUsers = (await store.listUsers()).length > 0;
  const user = await store.createUser({
    username,
    ...(password !== undefined ? { password } : {}),
    ...(options.displayName !== undefined ? { displayName: options.displayName } : {}),
    ...(options.email !== undefined ? { email: options.email } : {}),
    superuser: Boolean(options.superuser),
    serviceAccount: Boolean(options.serviceAccount),
  });
  if (!hadUsers && !user.superuser) {
    ctx.warn(
      `this store has no superuser: the server creates 'admin' only in an empty store. ` +
        'Add one with pgmcp user add NAME --superuser.',
    );
  }
  const next = user.serviceAccount
    ? `Create its API token with: pgmcp token create --user ${user.username} --note "what it is for"`
    : user.superuser
      ? 'A superuser passes every privilege check.'
      : `Give them access through a group: pgmcp group add-member GROUP --user ${user.username}`;
  return {
    json: { user: userJson(user, ctx.now) },
    text: `Created ${userKind(user)} ${describeUser(user)}.\n${next}`,
  };
}

async function listUsers(ctx: AdminContext) {
  const users = await ctx.store.listUsers();
  const groups = await Promise.all(users.map((user) => ctx.store.listUserGroups(user.id)));
  const rows = users.map((user, i) => ({ user, groups: (groups[i] ?? []).map((g) => g.name) }));
  return {
    json: { users: rows.map(({ user, groups }) => ({ ...userJson(user, ctx.now), groups })) },
    text:
      rows.length === 0
        ? 'No users yet. pgmcp user add NAME creates one.'
        : table(
            ['username', 'display name', 'kind', 'status', 'groups', 'last login'],
            rows.map(({ user, groups }) => [
              user.username,
              user.displayName ?? '',
              userKind(user),
              userStatus(user, ctx.now),
              groups.join(', '),
              formatTime(user.lastLoginAt),
            ]),
          ),
  };
}

function lockText(user: User, now: Date): string {
  const failures = `${user.failedAttempts} failed login${user.failedAttempts === 1 ? '' : 's'}`;
  if (isLocked(user, now)) {
    return `locked until ${formatTime(user.lockedUntil)} (${failures}); pgmcp user unlock ${user.username} ends it`;
  }
  return user.failedAttempts > 0 ? `not locked (${failures} since the last success)` : 'not locked';
}

async function showUser(ctx: AdminContext, username: string) {
  const { store } = ctx;
  const user = await requireUser(store, username);
  const [direct, tokens, access] = await Promise.all([
    store.listUserGroups(user.id),
    store.listApiTokens(user.id),
    store.accessForUser(user.id),
  ]);
  const explanation = access.explain();
  const text = fields([
    ['User', describeUser(user)],
    ['ID', user.id],
    ['Kind', userKind(user)],
    ['Status', user.enabled ? 'enabled' : 'disabled (cannot log in; API tokens suspended)'],
    ['Lock', lockText(user, ctx.now)],
    ['Password', user.hasPassword ? 'set' : 'none (API tokens only)'],
    ['Created', formatTime(user.createdAt)],
    ['Last login', formatTime(user.lastLoginAt)],
    ['Groups', describeGroups(explanation.groups)],
    [
      'API tokens',
      `${tokens.length}${tokens.length > 0 ? ` (pgmcp token list --user ${user.username})` : ''}`,
    ],
    ['Access', accessSummary(explanation)],
  ]);
  return {
    json: {
      user: userJson(user, ctx.now),
      groups: direct.map((g) => g.name),
      api_tokens: tokens.length,
      access: explanationJson(explanation),
    },
    text: `${text}\n\npgmcp privileges show ${user.username} explains each decision.`,
  };
}

async function changePassword(ctx: AdminContext, username: string, options: PasswordOptions) {
  const user = await requireUser(ctx.store, username);
  if (user.serviceAccount) {
    throw new CliError(`${user.username} is a service account: it has no password, only API tokens.`);
  }
  const password = await obtainNewPassword(ctx.io.input, ctx.io.err, options, user.username);
  await ctx.store.setPassword(user.id, password);
  const updated = await ctx.store.getUser(user.id);
  return {
    json: { user: userJson(updated, ctx.now) },
    text: `Changed the password of ${user.username}; their login sessions were ended and any lock cleared (API tokens keep working).`,
  };
}

async function setEnabled(ctx: AdminContext, username: string, enabled: boolean) {
  const user = await requireUser(ctx.store, username);
  if (user.enabled === enabled) {
    return {
      json: { user: userJson(user, ctx.now), changed: false },
      text: `${user.username} was already ${enabled ? 'enabled' : 'disabled'}.`,
    };
  }
  const updated = await ctx.store.updateUser(user.id, { enabled });
  return {
    json: { user: userJson(updated, ctx.now), changed: true },
    text: enabled
      ? `Enabled ${user.username}: they can log in again and their API tokens work again.`
      : `Disabled ${user.username}: their sessions ended and their API tokens are suspended until pgmcp user enable ${user.username}.`,
  };
}

async function unlockUser(ctx: AdminContext, username: string) {
  const user = await requireUser(ctx.store, username);
  const wasLocked = isLocked(user, ctx.now);
  const updated = await ctx.store.unlockUser(user.id);
  const failures = `${user.failedAttempts} failed login${user.failedAttempts === 1 ? '' : 's'}`;
  return {
    json: { user: userJson(updated, ctx.now), was_locked: wasLocked },
    text: wasLocked
      ? `Unlocked ${user.username} (cleared ${failures}).`
      : `${user.username} was not locked${user.failedAttempts > 0 ? `; cleared ${failures}` : ''}.`,
  };
}

async function deleteUser(ctx: AdminContext, username: string, yes: boolean | undefined) {
  const user = await requireUser(ctx.store, username);
  const tokens = await ctx.store.listApiTokens(user.id);
  const tokenText = `${tokens.length} API token${tokens.length === 1 ? '' : 's'}`;
  await confirm(
    ctx.io.input,
    ctx.io.err,
    `Delete user ${user.username} with ${tokenText} and their group memberships? This cannot be undone.`,
    yes,
  );
  await ctx.store.deleteUser(user.id);
  return {
    json: { deleted: { id: user.id, username: user.username }, api_tokens_revoked: tokens.length },
    text: `Deleted user ${user.username} with ${tokenText} and their group memberships.`,
  };
}

/** `pgmcp user add|list|show|passwd|enable|disable|unlock|delete`. */
export function registerUserCommands(program: Command, io: AdminIo): void {
  const user = program
    .command('user')
    .description('Manage user accounts: add, list, show, change passwords, enable/disable, unlock, delete.');

  examples(
    addPasswordOptions(
      storeCommand(user, 'add <username>', 'Add a user (asks for the password unless --service-account).')
        .option('--display-name <name>', 'full name shown in lists')
        .option('--email <address>', 'e-mail address')
        .option('--superuser', 'passes every privilege check')
        .option('--service-account', 'no password login; authenticates with API tokens only'),
    ).addHelpText('after', PASSWORD_HELP),
    [
      'pgmcp user add ann --display-name "Ann Smith" --email ann@example.com',
      `printf '%s\\n' "$PASSWORD" | pgmcp user add ann --password-stdin`,
      'pgmcp user add root --superuser',
      'pgmcp user add ci-bot --service-account',
    ],
  ).action((username: string, options: AddOptions) =>
    io.run(runAdmin(io, options, (ctx) => addUser(ctx, username, options), { create: true })),
  );

  examples(storeCommand(user, 'list', 'List users with their kind, status, groups and last login.'), [
    'pgmcp user list',
    'pgmcp user list --json',
  ]).action((options: StoreOptions) => io.run(runAdmin(io, options, listUsers)));

  examples(
    storeCommand(
      user,
      'show <username>',
      'Show a user: details, groups, lock state, last login and a summary of their effective access.',
    ),
    ['pgmcp user show ann', 'pgmcp user show ann --json'],
  ).action((username: string, options: StoreOptions) =>
    io.run(runAdmin(io, options, (ctx) => showUser(ctx, username))),
  );

  examples(
    addPasswordOptions(
      storeCommand(
        user,
        'passwd <username>',
        "Set a user's password; ends their login sessions and clears a lockout.",
      ),
    ).addHelpText('after', PASSWORD_HELP),
    ['pgmcp user passwd ann', `printf '%s\\n' "$PASSWORD" | pgmcp user passwd ann --password-stdin`],
  ).action((username: string, options: StoreOptions & PasswordOptions) =>
    io.run(runAdmin(io, options, (ctx) => changePassword(ctx, username, options))),
  );

  examples(
    storeCommand(user, 'enable <username>', 'Let a disabled user log in again; their API tokens work again.'),
    ['pgmcp user enable ann'],
  ).action((username: string, options: StoreOptions) =>
    io.run(runAdmin(io, options, (ctx) => setEnabled(ctx, username, true))),
  );

  examples(
    storeCommand(
      user,
      'disable <username>',
      'Stop a user: ends their sessions and suspends their API tokens (kept for enable).',
    ),
    ['pgmcp user disable ann'],
  ).action((username: string, options: StoreOptions) =>
    io.run(runAdmin(io, options, (ctx) => setEnabled(ctx, username, false))),
  );

  examples(storeCommand(user, 'unlock <username>', 'End a lockout after too many failed logins.'), [
    'pgmcp user unlock ann',
  ]).action((username: string, options: StoreOptions) =>
    io.run(runAdmin(io, options, (ctx) => unlockUser(ctx, username))),
  );

  examples(
    storeCommand(
      user,
      'delete <username>',
      'Delete a user with their sessions, API tokens and group memberships (asks first on a terminal).',
    ).option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)'),
    ['pgmcp user delete ann', 'pgmcp user delete ann --yes'],
  ).action((username: string, options: StoreOptions & { yes?: boolean }) =>
    io.run(runAdmin(io, options, (ctx) => deleteUser(ctx, username, options.yes))),
  );
}
