import type { AdminPermission, ApiClient, MeResponse } from '@pgmcp/api-contract';
import type { ComponentType } from 'react';
import { AccountAdmin } from './account-admin.js';
import { AlertRulesAdmin } from './alert-rules-admin.js';
import { BlackoutsAdmin } from './blackouts-admin.js';
import { ChannelsAdmin } from './channels-admin.js';
import { ActivityAdmin } from './activity-admin.js';
import { ConnectionsAdmin } from './connections-admin.js';
import { GroupsAdmin } from './groups-admin.js';
import { PrivilegesAdmin } from './privileges-admin.js';
import { UsersAdmin } from './users-admin.js';
import { OAuthAdmin } from './oauth-admin.js';

/** What every section of the admin area receives. */
export interface AdminSectionProps {
  api: ApiClient;
  me: MeResponse;
  /** Connections were added, changed or deleted (the top bar's selector reloads). */
  onConnectionsChanged: () => void;
}

/** One section of the admin area: a nav entry and the screen it shows. */
export interface AdminSection {
  id: string;
  label: string;
  /** Whether the signed-in caller sees this section at all. */
  visible: (me: MeResponse) => boolean;
  Component: ComponentType<AdminSectionProps>;
}

/** Superusers and holders of `permission`. */
export const holds =
  (permission: AdminPermission) =>
  (me: MeResponse): boolean =>
    me.access.superuser || me.access.admin.includes(permission);

function ConnectionsSection({ api, onConnectionsChanged }: AdminSectionProps) {
  return <ConnectionsAdmin api={api} onChanged={onConnectionsChanged} />;
}

function UsersSection({ api, me }: AdminSectionProps) {
  return <UsersAdmin api={api} canSetGroups={holds('manage_groups')(me)} />;
}

/** True when the caller holds any admin permission (the top-bar tab then reads "Admin"). */
export function isAdmin(me: MeResponse): boolean {
  return me.access.superuser || me.access.admin.length > 0;
}

/** The top-bar tab's name for `me`: "Admin" for holders of an admin permission, else "Account". */
export function areaLabel(me: MeResponse): string {
  return isAdmin(me) ? 'Admin' : 'Account';
}

/**
 * The sections in nav order. Each screen lives in its own file; a section is one entry here
 * (keep one entry per line block so parallel additions merge cleanly).
 */
export const ADMIN_SECTIONS: readonly AdminSection[] = [
  {
    id: 'connections',
    label: 'Connections',
    visible: holds('manage_connections'),
    Component: ConnectionsSection,
  },
  {
    id: 'users',
    label: 'Users',
    visible: holds('manage_users'),
    Component: UsersSection,
  },
  {
    id: 'groups',
    label: 'Groups',
    visible: holds('manage_groups'),
    Component: GroupsAdmin,
  },
  {
    id: 'privileges',
    label: 'Privileges',
    visible: holds('manage_permissions'),
    Component: PrivilegesAdmin,
  },
  {
    id: 'account',
    label: 'Account',
    // Everyone signed in: API tokens and database logins are one's own.
    visible: (me) => me.auth_enabled,
    Component: AccountAdmin,
  },
  {
    id: 'oauth',
    label: 'OAuth',
    // The OAuth client routes need manage_tokens, like every user's grants.
    visible: holds('manage_tokens'),
    Component: ({ api }) => <OAuthAdmin api={api} />,
  },
  {
    id: 'alert-rules',
    label: 'Alert rules',
    visible: holds('manage_alert_rules'),
    Component: ({ api }) => <AlertRulesAdmin api={api} />,
  },
  {
    id: 'blackouts',
    label: 'Blackouts',
    visible: holds('manage_blackouts'),
    Component: ({ api }) => <BlackoutsAdmin api={api} />,
  },
  {
    id: 'notification-channels',
    label: 'Notification channels',
    visible: holds('manage_notification_channels'),
    Component: ({ api }) => <ChannelsAdmin api={api} />,
  },
  {
    // Everyone signed in: a user sees their own activity, administrators everyone's (the server decides).
    id: 'activity',
    label: 'Activity',
    visible: () => true,
    Component: ({ api }) => <ActivityAdmin api={api} />,
  },
];

/** The sections `me` may see. */
export function visibleSections(me: MeResponse): AdminSection[] {
  return ADMIN_SECTIONS.filter((section) => section.visible(me));
}
