import type { AdminPermission, ApiClient, MeResponse } from '@pgmcp/api-contract';
import type { ComponentType } from 'react';
import { ActivityAdmin } from './activity-admin.js';
import { ConnectionsAdmin } from './connections-admin.js';

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
