import {
  ADMIN_PERMISSIONS,
  type AdminPermission,
  type ConnectionAccess,
  type Group,
  type McpItemKind,
  type McpItemRef,
  type Privilege,
} from '@pgmcp/auth-store';
import { Argument, type Command } from 'commander';
import {
  examples,
  runAdmin,
  storeCommand,
  type AdminContext,
  type AdminIo,
  type StoreOptions,
} from './admin-context.js';
import { CliError } from './cli-error.js';
import { checkItemsKnown, warnAboutUnknownConnections } from './known-names.js';
import { requireGroup } from './lookups.js';
import { parseAccess, parseAdminPermission } from './parse-values.js';

type Verb = 'grant' | 'revoke';

interface TargetOptions extends StoreOptions {
  group?: string;
  public?: boolean;
  force?: boolean;
}

/** One line per change, and the --json form. */
interface Change {
  readonly text: string;
  readonly json: Record<string, unknown>;
}

function output(target: { group?: Group; public?: boolean }, changes: readonly Change[]) {
  return {
    json: {
      group: target.group?.name ?? null,
      public: Boolean(target.public),
      changes: changes.map((c) => c.json),
    },
    text: changes.map((c) => c.text).join('\n'),
  };
}

async function changeItems(
  ctx: AdminContext,
  verb: Verb,
  kind: McpItemKind,
  names: string[],
  options: TargetOptions,
) {
  if (Boolean(options.group) === Boolean(options.public)) {
    throw new CliError(`Say who: --group NAME, or --public for everyone (not both).`);
  }
  const refs: McpItemRef[] = names.map((name) => ({ kind, name }));
  const known = await ctx.store.listMcpItems();
  const find = (ref: McpItemRef) => known.find((item) => item.kind === ref.kind && item.name === ref.name);
  if (verb === 'grant') await checkItemsKnown(ctx, refs, { warnOnly: Boolean(options.force) });
  const changes: Change[] = [];

  if (options.public) {
    for (const ref of refs) {
      const wasPublic = find(ref)?.public ?? false;
      const makePublic = verb === 'grant';
      // An unknown item is not public; revoking that needs no record of it.
      if (wasPublic !== makePublic) await ctx.store.setMcpItemPublic(ref, makePublic);
      const label = `${kind} ${ref.name}`;
      changes.push({
        text:
          wasPublic === makePublic
            ? `${label} was already ${makePublic ? 'public' : 'not public'}.`
            : makePublic
              ? `Marked ${label} public: every signed-in user may use it (unless a token scope leaves it out).`
              : `${label} is no longer public: only groups granted it may use it.`,
        json: { kind, name: ref.name, public: makePublic, changed: wasPublic !== makePublic },
      });
    }
    return output({ public: true }, changes);
  }

  const group = await requireGroup(ctx.store, options.group!);
  const granted = (await ctx.store.listGroupPrivileges(group.id)).mcpItems;
  for (const ref of refs) {
    const had = granted.some((item) => item.kind === ref.kind && item.name === ref.name);
    changes.push(
      await applyToGroup(ctx, verb, group, had, { type: 'mcp_item', ...ref }, `${kind} ${ref.name}`, {
        kind,
        name: ref.name,
      }),
    );
  }
  return output({ group }, changes);
}

/** Grants a privilege the group lacks or revokes one it has, and says what happened (or that nothing did). */
async function applyToGroup(
  ctx: AdminContext,
  verb: Verb,
  group: Group,
  had: boolean,
  privilege: Privilege,
  label: string,
  json: Record<string, unknown>,
): Promise<Change> {
  const changed = verb === 'grant' ? !had : had;
  if (changed && verb === 'grant') await ctx.store.grantPrivilege(group.id, privilege);
  if (changed && verb === 'revoke') await ctx.store.revokePrivilege(group.id, privilege);
  return {
    text: changed
      ? verb === 'grant'
        ? `Granted ${label} to ${group.name}.`
        : `Revoked ${label} from ${group.name}.`
      : `${group.name} ${verb === 'grant' ? 'already had' : 'did not have'} ${label}.`,
    json: { ...json, changed },
  };
}

async function changeConnection(
  ctx: AdminContext,
  verb: Verb,
  name: string,
  access: ConnectionAccess | undefined,
  options: TargetOptions,
) {
  const group = await requireGroup(ctx.store, options.group!);
  const before = (await ctx.store.listGroupPrivileges(group.id)).connections.find(
    (c) => c.name === name,
  )?.access;
  let text: string;
  let after: ConnectionAccess | undefined;
  if (verb === 'grant') {
    after = access ?? 'read';
    await warnAboutUnknownConnections(ctx, [name]);
    if (before !== after)
      await ctx.store.grantPrivilege(group.id, { type: 'connection', name, access: after });
    text =
      before === after
        ? `${group.name} already had ${after} access to connection ${name}.`
        : before
          ? `Changed ${group.name}'s access to connection ${name} from ${before} to ${after}.`
          : `Granted ${after} access to connection ${name} to ${group.name}.`;
  } else {
    if (before) await ctx.store.revokePrivilege(group.id, { type: 'connection', name });
    text = before
      ? `Revoked ${group.name}'s ${before} access to connection ${name}.`
      : `${group.name} had no access to connection ${name}.`;
  }
  return output({ group }, [
    {
      text,
      json: { connection: name, before: before ?? null, after: after ?? null, changed: before !== after },
    },
  ]);
}

async function changeAdmin(
  ctx: AdminContext,
  verb: Verb,
  permissions: AdminPermission[],
  options: TargetOptions,
) {
  const group = await requireGroup(ctx.store, options.group!);
  const held = (await ctx.store.listGroupPrivileges(group.id)).admin;
  const changes: Change[] = [];
  for (const permission of permissions) {
    const privilege = { type: 'admin', permission } as const;
    changes.push(
      await applyToGroup(ctx, verb, group, held.includes(permission), privilege, `admin ${permission}`, {
        permission,
      }),
    );
  }
  return output({ group }, changes);
}

const ITEM_KINDS: { kind: McpItemKind; arg: string; what: string; example: string }[] = [
  { kind: 'tool', arg: '<names...>', what: 'tools', example: 'query_database' },
  { kind: 'resource', arg: '<uris...>', what: 'resources', example: 'pg://system_info' },
  { kind: 'prompt', arg: '<names...>', what: 'prompts', example: 'explore-database' },
];

function registerVerb(program: Command, io: AdminIo, verb: Verb): void {
  const granting = verb === 'grant';
  const parent = program
    .command(verb)
    .description(
      granting
        ? 'Grant a group a tool, resource, prompt, connection or admin permission, or make an MCP item public.'
        : 'Take a tool, resource, prompt, connection or admin permission from a group, or make an MCP item non-public.',
    );
  const to = granting ? 'to' : 'from';

  for (const { kind, arg, what, example } of ITEM_KINDS) {
    const command = storeCommand(
      parent,
      `${kind} ${arg}`,
      granting
        ? `Let a group use ${what}, or with --public everyone signed in.`
        : `Stop a group using ${what}, or with --public make them non-public.`,
    )
      .option('-g, --group <name>', `the group to ${verb} ${to}`)
      .option('--public', granting ? 'make it public instead (every signed-in user)' : 'make it non-public');
    if (granting) {
      command.option(
        '--force',
        `also ${what} the store does not know yet (of a server that has not started)`,
      );
    }
    examples(command, [
      `pgmcp ${verb} ${kind} ${example} --group analysts`,
      `pgmcp ${verb} ${kind} ${example} --public`,
    ]).action((names: string[], options: TargetOptions) =>
      io.run(runAdmin(io, options, (ctx) => changeItems(ctx, verb, kind, names, options))),
    );
  }

  const connection = storeCommand(
    parent,
    'connection',
    granting
      ? 'Give a group read or read_write access to a database connection (a new grant replaces the old one).'
      : "Remove a group's access to a database connection.",
  )
    .argument('<name>', 'connection name, as in the configuration')
    .requiredOption('-g, --group <name>', `the group to ${verb} ${to}`);
  if (granting) {
    examples(
      connection.addArgument(
        new Argument('[access]', 'read or read_write').argParser(parseAccess).default('read'),
      ),
      ['pgmcp grant connection demo --group analysts', 'pgmcp grant connection demo read_write --group dbas'],
    ).action((name: string, access: ConnectionAccess, options: TargetOptions) =>
      io.run(runAdmin(io, options, (ctx) => changeConnection(ctx, verb, name, access, options))),
    );
  } else {
    examples(connection, ['pgmcp revoke connection demo --group analysts']).action(
      (name: string, options: TargetOptions) =>
        io.run(runAdmin(io, options, (ctx) => changeConnection(ctx, verb, name, undefined, options))),
    );
  }

  examples(
    storeCommand(
      parent,
      'admin',
      `${granting ? 'Grant' : 'Revoke'} admin permissions (${ADMIN_PERMISSIONS.join(', ')}, or all).`,
    )
      .addArgument(new Argument('<permissions...>', 'permissions, or all').argParser(collectPermissions))
      .requiredOption('-g, --group <name>', `the group to ${verb} ${to}`),
    [
      `pgmcp ${verb} admin manage_users manage_groups --group admins`,
      `pgmcp ${verb} admin all --group admins`,
    ],
  ).action((permissions: AdminPermission[], options: TargetOptions) =>
    io.run(runAdmin(io, options, (ctx) => changeAdmin(ctx, verb, permissions, options))),
  );
}

/** Accumulates variadic permission arguments; `all` stands for every permission. */
function collectPermissions(value: string, previous: AdminPermission[] | undefined): AdminPermission[] {
  const added = value.trim().toLowerCase() === 'all' ? ADMIN_PERMISSIONS : [parseAdminPermission(value)];
  return [...new Set([...(previous ?? []), ...added])];
}

/** `pgmcp grant …` and `pgmcp revoke …`. */
export function registerGrantCommands(program: Command, io: AdminIo): void {
  registerVerb(program, io, 'grant');
  registerVerb(program, io, 'revoke');
}
