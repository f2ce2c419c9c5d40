import type { Access, AuthStore, Privilege, User } from '@pgmcp/auth-store';
import { RestError } from '../errors/rest-error.js';
import type { Caller } from './caller.js';

/** How a privilege reads in a refusal. */
function describePrivilege(privilege: Privilege): string {
  switch (privilege.type) {
    case 'mcp_item':
      return `${privilege.kind} ${privilege.name}`;
    case 'connection':
      return `connection ${privilege.name} (${privilege.access})`;
    case 'admin':
      return privilege.permission;
  }
}

/**
 * Delegated administration never leads to more rights: only superusers touch superusers (flag,
 * password, account, tokens), and nobody hands out — through a group, a grant or a token — a right
 * they do not hold themselves.
 */
export function createEscalationChecks(auth: AuthStore) {
  const refuseBeyond = (beyond: readonly Privilege[], what: string) => {
    if (beyond.length > 0) {
      throw new RestError(
        'FORBIDDEN',
        `${what} would give ${beyond.map(describePrivilege).join(', ')}, which you do not have yourself. Ask a superuser.`,
      );
    }
  };
  return {
    /** Changing a superuser's account, or anyone's superuser flag, is for superusers only. */
    superuserAccount(
      caller: Caller,
      target: Pick<User, 'superuser' | 'username'> | undefined,
      setsFlag = false,
    ) {
      if (caller.access.isSuperuser) return;
      if (setsFlag) throw new RestError('FORBIDDEN', 'Only superusers set or clear the superuser flag.');
      if (target?.superuser) {
        throw new RestError(
          'FORBIDDEN',
          `"${target.username}" is a superuser: only superusers change their account or tokens.`,
        );
      }
    },

    /** Adding a member to a group gives it everything the group confers. */
    async groupMembership(caller: Caller, groupId: string, groupName: string) {
      if (caller.access.isSuperuser) return;
      refuseBeyond(
        (await auth.accessOfGroup(groupId)).grantsBeyond(caller.access),
        `Joining the group "${groupName}"`,
      );
    },

    /** Granting a privilege (or making an item public) needs holding it. */
    privilege(caller: Caller, privilege: Privilege) {
      const { access } = caller;
      if (access.isSuperuser) return;
      const held =
        privilege.type === 'mcp_item'
          ? access.canUseItem(privilege.kind, privilege.name)
          : privilege.type === 'connection'
            ? holdsConnection(access, privilege.name, privilege.access)
            : access.hasAdmin(privilege.permission);
      refuseBeyond(held ? [] : [privilege], 'This grant');
    },

    /** A token's effective rights (its owner's, narrowed by its scope) must be within the creator's. */
    async token(caller: Caller, tokenId: string) {
      if (caller.access.isSuperuser) return;
      refuseBeyond((await auth.accessForApiToken(tokenId)).grantsBeyond(caller.access), 'This token');
    },
  };
}

function holdsConnection(access: Access, name: string, wanted: 'read' | 'read_write'): boolean {
  const held = access.connectionAccess(name);
  return held === 'read_write' || (held === 'read' && wanted === 'read');
}

/** The checks {@link createEscalationChecks} returns. */
export type EscalationChecks = ReturnType<typeof createEscalationChecks>;
