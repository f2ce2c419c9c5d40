import type { Command } from 'commander';
import { describeGroups, explanationJson, explanationText } from './access-report.js';
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
  describeScope,
  describeUser,
  fields,
  formatTime,
  scopeJson,
  table,
  tokenStatus,
  userJson,
  userKind,
} from './format.js';
import { requireToken, requireUser } from './lookups.js';

async function showPrivileges(ctx: AdminContext, username: string | undefined, tokenId: string | undefined) {
  if (Boolean(username) === Boolean(tokenId)) {
    throw new CliError(
      'Name a user or a token: pgmcp privileges show USER, or pgmcp privileges show --token ID.',
    );
  }
  const token = tokenId ? await requireToken(ctx.store, tokenId) : undefined;
  const user = token ? await ctx.store.getUser(token.userId) : await requireUser(ctx.store, username!);
  const access = token ? await ctx.store.accessForApiToken(token.id) : await ctx.store.accessForUser(user.id);
  const explanation = access.explain();
  const header: [string, string][] = [
    ['User', `${describeUser(user)} (${userKind(user)}${user.enabled ? '' : ', disabled'})`],
    ['Groups', describeGroups(explanation.groups)],
  ];
  if (token) {
    header.unshift([
      'Token',
      `${token.id}${token.note ? ` "${token.note}"` : ''} (${tokenStatus(token, user, ctx.now)})`,
    ]);
    header.push(['Expires', formatTime(token.expiresAt)], ['Scope', describeScope(token.scope)]);
  }
  const notes: string[] = [];
  if (!user.enabled)
    notes.push(
      `${user.username} is disabled: nothing below is usable until pgmcp user enable ${user.username}.`,
    );
  if (token?.scope)
    notes.push('The token scope only narrows: it allows at most what the user has and what it lists.');
  return {
    json: {
      user: userJson(user, ctx.now),
      token: token ? { id: token.id, note: token.note ?? null, scope: scopeJson(token.scope) } : null,
      access: explanationJson(explanation),
    },
    text: [fields(header), ...notes, explanationText(explanation)].join('\n\n'),
  };
}

async function listItems(ctx: AdminContext) {
  const items = await ctx.store.listMcpItems();
  return {
    json: {
      items: items.map((item) => ({
        kind: item.kind,
        name: item.name,
        public: item.public,
        description: item.description ?? null,
      })),
    },
    text:
      items.length === 0
        ? 'No MCP items registered yet: the server registers its tools, resources and prompts when it starts.'
        : table(
            ['kind', 'name', 'public', 'description'],
            items.map((item) => [
              item.kind,
              item.name,
              item.public ? 'yes' : 'no',
              (item.description ?? '').split('\n')[0] ?? '',
            ]),
          ),
  };
}

/** `pgmcp privileges show|items`. */
export function registerPrivilegesCommands(program: Command, io: AdminIo): void {
  const privileges = program
    .command('privileges')
    .description('Explain effective access: which group granted what and how a token scope narrows it.');

  examples(
    storeCommand(
      privileges,
      'show [username]',
      "Explain a user's effective access, or an API token's (its owner's rights narrowed by its scope).",
    ).option('-t, --token <id>', 'explain this API token (tok_…) instead of a user'),
    [
      'pgmcp privileges show ann',
      'pgmcp privileges show --token tok_3q2hX…',
      'pgmcp privileges show ann --json',
    ],
  ).action((username: string | undefined, options: StoreOptions & { token?: string }) =>
    io.run(runAdmin(io, options, (ctx) => showPrivileges(ctx, username, options.token))),
  );

  examples(
    storeCommand(
      privileges,
      'items',
      'List the MCP tools, resources and prompts the store knows, and which are public.',
    ),
    ['pgmcp privileges items'],
  ).action((options: StoreOptions) => io.run(runAdmin(io, options, listItems)));
}
