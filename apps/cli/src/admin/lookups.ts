import type { ApiToken, AuthStore, Group, User } from '@pgmcp/auth-store';
import { CliError } from './cli-error.js';

/** The user named `username` (ignoring case), or a usage error that says how to find the right name. */
export async function requireUser(store: AuthStore, username: string): Promise<User> {
  const user = await store.findUserByUsername(username);
  if (!user) throw new CliError(`There is no user named '${username}'. pgmcp user list shows the users.`);
  return user;
}

/** The group named `name` (ignoring case), or a usage error that says how to find or create it. */
export async function requireGroup(store: AuthStore, name: string): Promise<Group> {
  const group = await store.findGroupByName(name);
  if (!group) {
    throw new CliError(
      `There is no group named '${name}'. pgmcp group list shows the groups; pgmcp group add ${name} creates it.`,
    );
  }
  return group;
}

/** The API token with `id`, or a usage error that says how to find the ids. */
export async function requireToken(store: AuthStore, id: string): Promise<ApiToken> {
  const token = await store.findApiToken(id);
  if (!token) {
    throw new CliError(
      `There is no API token with id '${id}'. pgmcp token list shows the ids (tok_…), not the secrets.`,
    );
  }
  return token;
}
