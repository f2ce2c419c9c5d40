import type { AuthStore, Group, GroupMember, GroupMembers, GroupPrivileges } from '@pgmcp/auth-store';
import type { Command } from 'commander';
import {
  examples,
  runAdmin,
  storeCommand,
  type AdminContext,
  type AdminIo,
  type StoreOptions,
} from './admin-context.js';
import { CliError } from './cli-error.js';
import { fields, formatTime, groupJson, table } from './format.js';
import { requireGroup, requireUser } from './lookups.js';
import { collect } from './parse-values.js';
import { confirm } from './prompt.js';

interface MemberOptions extends StoreOptions {
  user?: string[];
  group?: string[];
}

/** `tool query_database`, `connection demo (read)`, `admin manage_users`. */
export function describePrivileges(privileges: GroupPrivileges): string[] {
  return [
    ...privileges.mcpItems.map((item) => `${item.kind} ${item.name}`),
    ...privileges.connections.map((c) => `connection ${c.name} (${c.access})`),
    ...privileges.admin.map((permission) => `admin ${permission}`),
  ];
}

function privilegesJson(privileges: GroupPrivileges) {
  return {
    mcp_items: privileges.mcpItems.map(({ kind, name }) => ({ kind, name })),
    connections: privileges.connections.map(({ name, access }) => ({ name, access })),
    admin: [...privileges.admin],
  };
}

const memberNames = (members: GroupMembers) => ({
  users: members.users.map((u) => u.username),
  groups: members.groups.map((g) => g.name),
});

/** Every group with its direct members and own grants. */
async function loadGroups(store: AuthStore) {
  const groups = await store.listGroups();
  return Promise.all(
    groups.map(async (group) => {
      const [members, privileges] = await Promise.all([
        store.listGroupMembers(group.id),
        store.listGroupPrivileges(group.id),
      ]);
      return { group, members: memberNames(members), privileges };
    }),
  );
}

async function addGroup(ctx: AdminContext, name: string, description: string | undefined) {
  const existing = await ctx.store.findGroupByName(name);
  if (existing) {
    throw new CliError(
      `A group named '${existing.name}' already exists. pgmcp group show ${existing.name} shows it.`,
      'failure',
    );
  }
  const group = await ctx.store.createGroup({ name, ...(description !== undefined ? { description } : {}) });
  return {
    json: { group: groupJson(group) },
    text:
      `Created group ${group.name}.\n` +
      `Next: pgmcp group add-member ${group.name} --user NAME; pgmcp grant tool query_database --group ${group.name}`,
  };
}

async function listGroups(ctx: AdminContext) {
  const groups = await loadGroups(ctx.store);
  return {
    json: {
      groups: groups.map(({ group, members, privileges }) => ({
        ...groupJson(group),
        members,
        privileges: privilegesJson(privileges),
      })),
    },
    text:
      groups.length === 0
        ? 'No groups yet. pgmcp group add NAME creates one.'
        : table(
            ['name', 'members', 'grants', 'description'],
            groups.map(({ group, members, privileges }) => [
              group.name,
              [...members.users, ...members.groups.map((g) => `${g} (group)`)].join(', '),
              String(describePrivileges(privileges).length),
              group.description ?? '',
            ]),
          ),
  };
}

async function showGroup(ctx: AdminContext, name: string) {
  const group = await requireGroup(ctx.store, name);
  const all = await loadGroups(ctx.store);
  const self = all.find((g) => g.group.id === group.id)!;
  const parents = all.filter((g) => g.members.groups.includes(group.name)).map((g) => g.group.name);
  const grants = describePrivileges(self.privileges);
  return {
    json: {
      group: groupJson(group),
      members: self.members,
      member_of: parents,
      privileges: privilegesJson(self.privileges),
    },
    text: fields([
      ['Group', group.name],
      ['ID', group.id],
      ['Description', group.description ?? ''],
      ['Created', formatTime(group.createdAt)],
      ['Users', self.members.users.join(', ') || 'none'],
      ['Groups', self.members.groups.join(', ') || 'none'],
      ['Member of', parents.join(', ') || 'none'],
      ['Grants', grants.join('\n') || 'none'],
    ]),
  };
}

async function deleteGroup(ctx: AdminContext, name: string, yes: boolean | undefined) {
  const group = await requireGroup(ctx.store, name);
  await confirm(
    ctx.io.input,
    ctx.io.err,
    `Delete group ${group.name} with its memberships and grants? Its members lose what it granted.`,
    yes,
  );
  await ctx.store.deleteGroup(group.id);
  return {
    json: { deleted: { id: group.id, name: group.name } },
    text: `Deleted group ${group.name} with its memberships and grants.`,
  };
}

/** The members named by --user and --group, resolved to ids. */
async function resolveMembers(ctx: AdminContext, options: MemberOptions) {
  const users = options.user ?? [];
  const groups = options.group ?? [];
  if (users.length + groups.length === 0) {
    throw new CliError('Name at least one member: --user NAME or --group NAME (both may repeat).');
  }
  const members: { label: string; kind: 'user' | 'group'; name: string; member: GroupMember }[] = [];
  for (const name of users) {
    const user = await requireUser(ctx.store, name);
    members.push({
      label: `user ${user.username}`,
      kind: 'user',
      name: user.username,
      member: { userId: user.id },
    });
  }
  for (const name of groups) {
    const group: Group = await requireGroup(ctx.store, name);
    members.push({
      label: `group ${group.name}`,
      kind: 'group',
      name: group.name,
      member: { groupId: group.id },
    });
  }
  return members;
}

async function changeMembers(ctx: AdminContext, groupName: string, options: MemberOptions, add: boolean) {
  const group = await requireGroup(ctx.store, groupName);
  const members = await resolveMembers(ctx, options);
  const results: { kind: string; name: string; changed: boolean }[] = [];
  const lines: string[] = [];
  for (const { label, kind, name, member } of members) {
    const changed = add
      ? await ctx.store.addGroupMember(group.id, member)
      : await ctx.store.removeGroupMember(group.id, member);
    results.push({ kind, name, changed });
    lines.push(
      add
        ? changed
          ? `Added ${label} to ${group.name}.`
          : `${label} was already a member of ${group.name}.`
        : changed
          ? `Removed ${label} from ${group.name}.`
          : `${label} was not a member of ${group.name}.`,
    );
  }
  return { json: { group: group.name, members: results }, text: lines.join('\n') };
}

/** `pgmcp group add|list|show|delete|add-member|remove-member`. */
export function registerGroupCommands(program: Command, io: AdminIo): void {
  const group = program
    .command('group')
    .description('Manage groups: privileges are granted to groups; members are users or other groups.');

  examples(
    storeCommand(group, 'add <name>', 'Create a group.').option(
      '--description <text>',
      'what the group is for',
    ),
    ['pgmcp group add analysts --description "read-only SQL on demo"'],
  ).action((name: string, options: StoreOptions & { description?: string }) =>
    io.run(runAdmin(io, options, (ctx) => addGroup(ctx, name, options.description), { create: true })),
  );

  examples(storeCommand(group, 'list', 'List groups with their direct members and number of grants.'), [
    'pgmcp group list',
    'pgmcp group list --json',
  ]).action((options: StoreOptions) => io.run(runAdmin(io, options, listGroups)));

  examples(storeCommand(group, 'show <name>', 'Show a group: members, parent groups and its own grants.'), [
    'pgmcp group show analysts',
  ]).action((name: string, options: StoreOptions) =>
    io.run(runAdmin(io, options, (ctx) => showGroup(ctx, name))),
  );

  examples(
    storeCommand(
      group,
      'delete <name>',
      'Delete a group with its memberships and grants (asks first on a terminal).',
    ).option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)'),
    ['pgmcp group delete analysts', 'pgmcp group delete analysts --yes'],
  ).action((name: string, options: StoreOptions & { yes?: boolean }) =>
    io.run(runAdmin(io, options, (ctx) => deleteGroup(ctx, name, options.yes))),
  );

  const memberOptions = (command: Command) =>
    command
      .option('-u, --user <username>', 'a user (repeat for more)', collect)
      .option('-g, --group <name>', 'a group (repeat for more)', collect);

  examples(
    memberOptions(
      storeCommand(
        group,
        'add-member <group>',
        'Add users or groups to a group; a group that would contain itself is refused.',
      ),
    ),
    [
      'pgmcp group add-member analysts --user ann --user bob',
      'pgmcp group add-member engineering --group dev    dev members get what engineering grants',
    ],
  ).action((name: string, options: MemberOptions) =>
    io.run(runAdmin(io, options, (ctx) => changeMembers(ctx, name, options, true))),
  );

  examples(
    memberOptions(storeCommand(group, 'remove-member <group>', 'Remove users or groups from a group.')),
    ['pgmcp group remove-member analysts --user bob', 'pgmcp group remove-member engineering --group dev'],
  ).action((name: string, options: MemberOptions) =>
    io.run(runAdmin(io, options, (ctx) => changeMembers(ctx, name, options, false))),
  );
}
