import type { OAuthClient, OAuthClientStatus, OAuthGrant } from '@pgmcp/auth-store';
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
import { describeScope, formatTime, table } from './format.js';
import { requireUser } from './lookups.js';

function clientJson(client: OAuthClient) {
  return {
    id: client.id,
    kind: client.kind,
    name: client.name,
    client_uri: client.clientUri ?? null,
    redirect_uris: client.redirectUris,
    status: client.status,
    created_at: client.createdAt.toISOString(),
  };
}

function grantJson(grant: OAuthGrant, username: string | undefined) {
  return {
    id: grant.id,
    client_id: grant.clientId,
    client_name: grant.clientName,
    user_id: grant.userId,
    username: username ?? null,
    resource: grant.resource,
    created_at: grant.createdAt.toISOString(),
    expires_at: grant.expiresAt.toISOString(),
    last_refreshed_at: grant.lastRefreshedAt?.toISOString() ?? null,
  };
}

async function requireClient(ctx: AdminContext, id: string): Promise<OAuthClient> {
  const client = await ctx.store.oauth.findClient(id);
  if (!client) throw new CliError(`There is no OAuth client '${id}'. pgmcp oauth clients lists them.`);
  return client;
}

async function listClients(ctx: AdminContext) {
  const clients = await ctx.store.oauth.listClients();
  return {
    json: { clients: clients.map(clientJson) },
    text:
      clients.length === 0
        ? 'No OAuth clients yet. MCP clients register themselves when they first sign in.'
        : table(
            ['id', 'name', 'status', 'kind', 'redirect URIs', 'registered'],
            clients.map((c) => [
              c.id,
              c.name,
              c.status,
              c.kind,
              c.redirectUris.join(' '),
              formatTime(c.createdAt),
            ]),
          ),
  };
}

async function setStatus(ctx: AdminContext, id: string, status: OAuthClientStatus, verb: string) {
  await requireClient(ctx, id);
  const client = await ctx.store.oauth.setClientStatus(id, status);
  const after =
    status === 'disabled' ? ' Its grants are revoked; it cannot sign anyone in until approved again.' : '';
  return { json: clientJson(client), text: `${verb} ${client.name} (${client.id}).${after}` };
}

async function deleteClient(ctx: AdminContext, id: string) {
  const client = await requireClient(ctx, id);
  await ctx.store.oauth.deleteClient(id);
  return { json: { deleted: id }, text: `Deleted ${client.name} (${id}) with its grants and tokens.` };
}

async function listGrants(ctx: AdminContext, options: { user?: string }) {
  const owner = options.user ? await requireUser(ctx.store, options.user) : undefined;
  const [grants, users] = await Promise.all([ctx.store.oauth.listGrants(owner?.id), ctx.store.listUsers()]);
  const names = new Map(users.map((u) => [u.id, u.username]));
  return {
    json: { grants: grants.map((g) => grantJson(g, names.get(g.userId))) },
    text:
      grants.length === 0
        ? `No OAuth grants${owner ? ` for ${owner.username}` : ''}.`
        : table(
            ['id', 'user', 'client', 'granted', 'last refreshed', 'ends', 'scope'],
            grants.map((g) => [
              g.id,
              names.get(g.userId) ?? g.userId,
              g.clientName,
              formatTime(g.createdAt),
              formatTime(g.lastRefreshedAt),
              formatTime(g.expiresAt),
              describeScope(g.scope),
            ]),
          ),
  };
}

async function revokeGrants(ctx: AdminContext, ids: readonly string[]) {
  const known = new Set((await ctx.store.oauth.listGrants()).map((g) => g.id));
  const unknown = ids.filter((id) => !known.has(id));
  // Check every id first, so a typo in the list revokes nothing.
  if (unknown.length > 0) {
    throw new CliError(`There is no OAuth grant ${unknown.join(', ')}. pgmcp oauth grants lists them.`);
  }
  for (const id of ids) await ctx.store.oauth.revokeGrant(id);
  return {
    json: { revoked: ids },
    text: `Revoked ${ids.join(', ')} with their tokens. A running server stops accepting them within its cache time (30 s by default).`,
  };
}

/** `pgmcp oauth clients|approve|disable|delete|grants|revoke`: the OAuth clients and what users granted them. */
export function registerOAuthCommands(program: Command, io: AdminIo): void {
  const oauth = program
    .command('oauth')
    .description(
      'OAuth clients (MCP applications that sign in by themselves) and the grants users gave them.',
    );

  examples(storeCommand(oauth, 'clients', 'List OAuth clients with their status and redirect URIs.'), [
    'pgmcp oauth clients',
    'pgmcp oauth clients --json',
  ]).action((options: StoreOptions) => io.run(runAdmin(io, options, (ctx) => listClients(ctx))));

  examples(
    storeCommand(
      oauth,
      'approve <client_id>',
      'Approve a client waiting for approval (oauth.registration: approval), or re-enable one.',
    ),
    ['pgmcp oauth approve mcp_3q2hX…'],
  ).action((id: string, options: StoreOptions) =>
    io.run(runAdmin(io, options, (ctx) => setStatus(ctx, id, 'active', 'Approved'))),
  );

  examples(storeCommand(oauth, 'disable <client_id>', 'Disable a client and revoke its grants.'), [
    'pgmcp oauth disable mcp_3q2hX…',
  ]).action((id: string, options: StoreOptions) =>
    io.run(runAdmin(io, options, (ctx) => setStatus(ctx, id, 'disabled', 'Disabled'))),
  );

  examples(storeCommand(oauth, 'delete <client_id>', 'Delete a client with its grants and tokens.'), [
    'pgmcp oauth delete mcp_3q2hX…',
  ]).action((id: string, options: StoreOptions) =>
    io.run(runAdmin(io, options, (ctx) => deleteClient(ctx, id))),
  );

  examples(
    storeCommand(oauth, 'grants', 'List OAuth grants: which user allowed which client what.').option(
      '-u, --user <username>',
      "only this user's grants",
    ),
    ['pgmcp oauth grants', 'pgmcp oauth grants --user ann --json'],
  ).action((options: StoreOptions & { user?: string }) =>
    io.run(runAdmin(io, options, (ctx) => listGrants(ctx, options))),
  );

  examples(storeCommand(oauth, 'revoke <grant_ids...>', 'Revoke OAuth grants (grt_…) with their tokens.'), [
    'pgmcp oauth revoke grt_3q2hX…',
  ]).action((ids: string[], options: StoreOptions) =>
    io.run(runAdmin(io, options, (ctx) => revokeGrants(ctx, ids))),
  );
}
