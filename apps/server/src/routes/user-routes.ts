import type { AuthStore } from '@pgmcp/auth-store';
import type { ConversationStore } from '@pgmcp/conversation-store';
import type { Caller } from '../auth/caller.js';
import { createEscalationChecks } from '../auth/no-escalation.js';
import { RestError } from '../errors/rest-error.js';
import type { Logger } from '../logger.js';
import type { RouteHandlers } from './register-routes.js';
import { toApiUser } from './serialize.js';

/** What the user administration routes need. */
export interface UserRouteDeps {
  auth: AuthStore;
  /** A deleted user's conversations go with them. */
  conversations: Pick<ConversationStore, 'deleteAll'>;
  logger: Logger;
}

type UserRoutes =
  'listUsers' | 'createUser' | 'getUser' | 'updateUser' | 'deleteUser' | 'setUserPassword' | 'unlockUser';

/** `/api/v1/users*`: administration behind manage_users. */
export function userRoutes(deps: UserRouteDeps): RouteHandlers<UserRoutes> {
  const { auth } = deps;
  const checks = createEscalationChecks(auth);
  /** The user an administrator acts on, refused when it is a superuser and they are not. */
  const target = async (caller: Caller, id: string, setsFlag = false) => {
    const user = await auth.getUser(id);
    checks.superuserAccount(caller, user, setsFlag);
    return user;
  };
  return {
    listUsers: async () => ({ users: (await auth.listUsers()).map(toApiUser) }),

    createUser: async ({ caller, body }) => {
      checks.superuserAccount(caller, undefined, body.superuser === true);
      const user = await auth.createUser({
        username: body.username,
        ...(body.password !== undefined ? { password: body.password } : {}),
        ...(body.display_name !== undefined ? { displayName: body.display_name } : {}),
        ...(body.email !== undefined ? { email: body.email } : {}),
        ...(body.superuser !== undefined ? { superuser: body.superuser } : {}),
        ...(body.service_account !== undefined ? { serviceAccount: body.service_account } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      });
      deps.logger.info({ admin: caller.user.username, user: user.username }, 'user created');
      return toApiUser(user);
    },

    getUser: async ({ params }) => toApiUser(await auth.getUser(params.id)),

    updateUser: async ({ caller, params, body }) => {
      await target(caller, params.id, body.superuser !== undefined);
      const user = await auth.updateUser(params.id, {
        ...(body.username !== undefined ? { username: body.username } : {}),
        ...(body.display_name !== undefined ? { displayName: body.display_name ?? undefined } : {}),
        ...(body.email !== undefined ? { email: body.email ?? undefined } : {}),
        ...(body.superuser !== undefined ? { superuser: body.superuser } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      });
      return toApiUser(user);
    },

    deleteUser: async ({ caller, params }) => {
      if (params.id === caller.user.id) {
        throw new RestError('CONFLICT', 'You cannot delete your own account while logged in with it.');
      }
      await target(caller, params.id);
      await auth.deleteUser(params.id);
      // Conversations live in their own store, without a foreign key to users.
      await deps.conversations.deleteAll(params.id);
    },

    setUserPassword: async ({ caller, params, body }) => {
      await target(caller, params.id);
      await auth.setPassword(params.id, body.password);
    },

    unlockUser: async ({ caller, params }) => {
      await target(caller, params.id);
      await auth.unlockUser(params.id);
    },
  };
}
