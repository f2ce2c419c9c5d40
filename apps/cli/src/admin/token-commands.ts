import type {
  AdminPermission,
  ConnectionGrant,
  McpItemKind,
  McpItemRef,
  TokenScope,
  User,
} from '@pgmcp/auth-store';
import { Option, type Command } from 'commander';
import {
  examples,
  runAdmin,
  storeCommand,
  type AdminContext,
  type AdminIo,
  type StoreOptions,
} from './admin-context.js';
import { describeScope, formatTime, table, tokenJson, tokenStatus } from './format.js';
import { checkItemsKnown, warnAboutUnknownConnections } from './known-names.js';
import { requireToken, requireUser } from './lookups.js';
import { parseAdminPermissions, parseConnectionScopes, parseExpires, parseList } from './parse-values.js';

interface CreateOptions extends StoreOptions {
  user: string;
  note?: string;
  expires?: Date | 'never';
  scopeTools?: string[];
  scopeResources?: string[];
  scopePrompts?: string[];
  scopeConnections?: ConnectionGrant[];
  scopeAdmin?: AdminPermission[];
}

/** The scope the options describe; undefined when none was given (the owner's full rights). */
function scopeFrom(options: CreateOptions): TokenScope | undefined {
  const itemLists: [McpItemKind, string[] | undefined][] = [
    ['tool', options.scopeTools],
    ['resource', options.scopeResources],
    ['prompt', options.scopePrompts],
  ];
  const listsItems = itemLists.some(([, names]) => names !== undefined);
  const mcpItems: McpItemRef[] = itemLists.flatMap(([kind, names]) =>
    (names ?? []).map((name) => ({ kind, name })),
  );
  const scope: TokenScope = {
    ...(listsItems ? { mcpItems } : {}),
    ...(options.scopeConnections ? { connections: options.scopeConnections } : {}),
    ...(options.scopeAdmin ? { admin: options.scopeAdmin } : {}),
  };
  return Object.keys(scope).length > 0 ? scope : undefined;
}

async function createToken(ctx: AdminContext, options: CreateOptions) {
  const owner = await requireUser(ctx.store, options.user);
  const scope = scopeFrom(options);
  // A scope only narrows: an unknown name in it gives nothing, so a warning is enough.
  await checkItemsKnown(ctx, scope?.mcpItems ?? [], { warnOnly: true });
  await warnAboutUnknownConnections(
    ctx,
    (scope?.connections ?? []).map((c) => c.name),
  );
  if (!owner.enabled) {
    ctx.warn(
      `${owner.username} is disabled: the token works only once pgmcp user enable ${owner.username} runs.`,
    );
  }
  const { token, apiToken } = await ctx.store.createApiToken(owner.id, {
    ...(options.note !== undefined ? { note: options.note } : {}),
    ...(scope ? { scope } : {}),
    ...(options.expires instanceof Date ? { expiresAt: options.expires } : {}),
  });
  if (!ctx.json) {
    // Only the secret goes to stdout, so TOKEN=$(pgmcp token create ...) captures just it.
    ctx.note(
      [
        `Created API token ${apiToken.id} for ${owner.username}`,
        `  note:    ${apiToken.note ?? '(none)'}`,
        `  expires: ${formatTime(apiToken.expiresAt)}`,
        `  scope:   ${describeScope(apiToken.scope)}`,
        '',
        'Store it now: it will not be shown again (pgmcp keeps only its SHA-256 hash).',
        '',
      ].join('\n'),
    );
  }
  return { json: { token, api_token: tokenJson(apiToken, owner, ctx.now) }, text: token };
}

async function listTokens(ctx: AdminContext, options: StoreOptions & { user?: string }) {
  const owner = options.user ? await requireUser(ctx.store, options.user) : undefined;
  const [tokens, users] = await Promise.all([ctx.store.listApiTokens(owner?.id), ctx.store.listUsers()]);
  const owners = new Map<string, User>(users.map((user) => [user.id, user]));
  return {
    json: { tokens: tokens.map((t) => tokenJson(t, owners.get(t.userId), ctx.now)) },
    text:
      tokens.length === 0
        ? `No API tokens${owner ? ` for ${owner.username}` : ''}. pgmcp token create --user NAME creates one.`
        : table(
            ['id', 'owner', 'prefix', 'note', 'status', 'created', 'expires', 'last used', 'scope'],
            tokens.map((t) => [
              t.id,
              owners.get(t.userId)?.username ?? t.userId,
              `${t.prefix}…`,
              t.note ?? '',
              tokenStatus(t, owners.get(t.userId), ctx.now),
              formatTime(t.createdAt),
              formatTime(t.expiresAt),
              formatTime(t.lastUsedAt),
              describeScope(t.scope),
            ]),
          ),
  };
}

async function revokeTokens(ctx: AdminContext, ids: readonly string[]) {
  // Check every id first, so a typo in the list revokes nothing.
  const tokens = await Promise.all(ids.map((id) => requireToken(ctx.store, id)));
  const users = new Map((await ctx.store.listUsers()).map((user) => [user.id, user.username]));
  const lines: string[] = [];
  for (const token of tokens) {
    await ctx.store.revokeApiToken(token.id);
    const note = token.note ? `, "${token.note}"` : '';
    lines.push(`Revoked ${token.id} (${users.get(token.userId) ?? token.userId}${note}).`);
  }
  lines.push('A running server stops accepting revoked tokens within its cache time (30 s by default).');
  return { json: { revoked: tokens.map((t) => t.id) }, text: lines.join('\n') };
}

const SCOPE_HELP = `
Scopes only narrow: the token can do at most what its owner can, and at most what the scope
lists. A dimension without a --scope-* option is not narrowed. Listing MCP items with any of
--scope-tools/--scope-resources/--scope-prompts limits the token to exactly those items (public
ones included). "none" allows nothing of that kind, e.g. --scope-admin none.
--expires takes a duration (90min, 12h, 30d, 8w, 1y), a date (2026-12-31: valid through that
day), an ISO time (2026-12-31T18:00:00Z) or never (the default).`;

/** `pgmcp token create|list|revoke`. */
export function registerTokenCommands(program: Command, io: AdminIo): void {
  const token = program.command('token').description('Manage API tokens: create (shown once), list, revoke.');

  examples(
    storeCommand(token, 'create', 'Create an API token for a user; prints it once.')
      .requiredOption('-u, --user <username>', 'the owner (the token acts as this user)')
      .option('--note <text>', 'what the token is for, shown in lists')
      .addOption(
        new Option('--expires <when>', 'when it expires (default never)').argParser((value: string) =>
          parseExpires(value),
        ),
      )
      .addOption(new Option('--scope-tools <names>', 'comma-separated tools it may use').argParser(parseList))
      .addOption(
        new Option('--scope-resources <uris>', 'comma-separated resources it may read').argParser(parseList),
      )
      .addOption(
        new Option('--scope-prompts <names>', 'comma-separated prompts it may use').argParser(parseList),
      )
      .addOption(
        new Option(
          '--scope-connections <list>',
          'connections and at most which access: demo:read,prod:read_write (a bare name means read)',
        ).argParser(parseConnectionScopes),
      )
      .addOption(
        new Option('--scope-admin <permissions>', 'admin permissions it may exercise, or none').argParser(
          parseAdminPermissions,
        ),
      )
      .addHelpText('after', SCOPE_HELP),
    [
      'pgmcp token create --user ann --note laptop --expires 30d',
      'pgmcp token create --user ci-bot --note ci --scope-tools query_database --scope-connections demo:read',
      'pgmcp token create --user admin --note audit --scope-admin none --expires 2026-12-31',
      'TOKEN=$(pgmcp token create --user ci-bot --note deploy)    only the token goes to stdout',
      'pgmcp token create --user ci-bot --json | jq -r .token',
    ],
  ).action((options: CreateOptions) => io.run(runAdmin(io, options, (ctx) => createToken(ctx, options))));

  examples(
    storeCommand(token, 'list', 'List API tokens (never the secrets): owner, note, dates, scope.').option(
      '-u, --user <username>',
      "only this user's tokens",
    ),
    ['pgmcp token list', 'pgmcp token list --user ann --json'],
  ).action((options: StoreOptions & { user?: string }) =>
    io.run(runAdmin(io, options, (ctx) => listTokens(ctx, options))),
  );

  examples(storeCommand(token, 'revoke <ids...>', 'Revoke API tokens by id (tok_…, see pgmcp token list).'), [
    'pgmcp token revoke tok_3q2hX…',
  ]).action((ids: string[], options: StoreOptions) =>
    io.run(runAdmin(io, options, (ctx) => revokeTokens(ctx, ids))),
  );
}
