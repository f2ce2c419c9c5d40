import type { ApiClient, OAuthClient, OAuthGrant } from '@pgmcp/api-contract';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/error-message.js';
import { ConfirmModal } from '../ui/confirm-modal.js';

/** Props of {@link OAuthAdmin}. */
export interface OAuthAdminProps {
  api: ApiClient;
}

/** What is waiting for the admin's confirmation. */
type Pending =
  | { kind: 'delete'; client: OAuthClient }
  | { kind: 'disable'; client: OAuthClient }
  | { kind: 'revoke'; grant: OAuthGrant };

const KIND_LABEL: Record<OAuthClient['kind'], string> = {
  dynamic: 'self-registered',
  metadata_document: 'metadata document',
};

const STATUS_LABEL: Record<OAuthClient['status'], string> = {
  active: 'active',
  pending: 'waiting for approval',
  disabled: 'disabled',
};

/** The distinct hosts of a client's redirect URIs: what an admin recognises. */
export function redirectHosts(uris: readonly string[]): string {
  const hosts = uris.map((uri) => (URL.canParse(uri) ? new URL(uri).host : uri));
  return [...new Set(hosts)].join(', ') || '—';
}

/** A grant's reach in a few words: its connections and tools. */
function scopeText(grant: OAuthGrant): string {
  const connections = grant.scope.connections?.map(
    (c) => `${c.name} (${c.access === 'read' ? 'read' : 'read/write'})`,
  );
  const tools = grant.scope.mcp_items?.filter((i) => i.kind === 'tool').map((i) => i.name);
  const parts = [
    connections
      ? connections.length > 0
        ? connections.join(', ')
        : 'no connection'
      : 'all the user’s connections',
    tools ? `${tools.length} tool${tools.length === 1 ? '' : 's'}` : 'all the user’s tools',
  ];
  return parts.join(' · ');
}

const day = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/**
 * The OAuth admin screen (manage_tokens): MCP client applications known to pgmcp's authorization
 * server — approve, disable, delete — and every user's grants to them, which can be revoked (their
 * tokens stop working and their database pools close). Destructive actions ask first.
 */
export function OAuthAdmin({ api }: OAuthAdminProps) {
  const [clients, setClients] = useState<OAuthClient[]>([]);
  const [grants, setGrants] = useState<OAuthGrant[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Pending>();

  const load = useCallback(async () => {
    try {
      const [c, g] = await Promise.all([
        api.listOAuthClients(),
        api.listOAuthGrants({ query: { all: 'true' } }),
      ]);
      setClients(c.clients);
      setGrants(g.grants);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    setPending(undefined);
    try {
      await work();
      await load();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  const setStatus = (client: OAuthClient, status: 'active' | 'disabled') =>
    run(() => api.updateOAuthClient({ params: { id: client.id }, body: { status } }));

  const confirm = () => {
    if (!pending) return;
    if (pending.kind === 'revoke') void run(() => api.revokeOAuthGrant({ params: { id: pending.grant.id } }));
    else if (pending.kind === 'delete')
      void run(() => api.deleteOAuthClient({ params: { id: pending.client.id } }));
    else void setStatus(pending.client, 'disabled');
  };

  return (
    <section className="admin-page pad" aria-labelledby="oauth-title">
      <h2 id="oauth-title">OAuth</h2>
      <p className="muted">
        MCP clients (Claude, ChatGPT, VS Code, Cursor…) that signed in to pgmcp by themselves, and what each
        user allowed them.
      </p>
      {error ? (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      ) : null}
      <h3 id="oauth-clients-title">Clients</h3>
      {clients.length === 0 ? (
        <p className="muted">No MCP client has registered yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="admin-table stacked-table" aria-labelledby="oauth-clients-title">
            <thead>
              <tr>
                <th>Name</th>
                <th>Registered by</th>
                <th>Redirects to</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {clients.map((client) => (
                <tr key={client.id}>
                  <td>
                    <span className="cell-title">{client.name}</span>
                    <span className="muted small cell-sub">{client.client_uri ?? client.id}</span>
                  </td>
                  <td data-label="Registered by">{KIND_LABEL[client.kind]}</td>
                  <td data-label="Redirects to">{redirectHosts(client.redirect_uris)}</td>
                  <td data-label="Status">
                    <span className={`status-badge status-${client.status}`}>
                      {STATUS_LABEL[client.status]}
                    </span>
                  </td>
                  <td className="row-actions">
                    {client.status === 'active' ? (
                      <button
                        type="button"
                        className="button small"
                        disabled={busy}
                        aria-label={`Disable ${client.name}`}
                        onClick={() => setPending({ kind: 'disable', client })}
                      >
                        Disable
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="button small primary"
                        disabled={busy}
                        aria-label={`${client.status === 'pending' ? 'Approve' : 'Enable'} ${client.name}`}
                        onClick={() => void setStatus(client, 'active')}
                      >
                        {client.status === 'pending' ? 'Approve' : 'Enable'}
                      </button>
                    )}
                    <button
                      type="button"
                      className="button small danger"
                      disabled={busy}
                      aria-label={`Delete ${client.name}`}
                      onClick={() => setPending({ kind: 'delete', client })}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3 id="oauth-grants-title">Grants</h3>
      {grants.length === 0 ? (
        <p className="muted">Nobody has allowed a client yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="admin-table stacked-table" aria-labelledby="oauth-grants-title">
            <thead>
              <tr>
                <th>User</th>
                <th>Client</th>
                <th>May use</th>
                <th>Allowed</th>
                <th>Last refreshed</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {grants.map((grant) => (
                <tr key={grant.id}>
                  <td data-label="User">{grant.username}</td>
                  <td data-label="Client">{grant.client_name}</td>
                  <td data-label="May use">{scopeText(grant)}</td>
                  <td data-label="Allowed">{day(grant.created_at)}</td>
                  <td data-label="Last refreshed">{day(grant.last_refreshed_at)}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button small danger"
                      disabled={busy}
                      aria-label={`Revoke ${grant.client_name} for ${grant.username}`}
                      onClick={() => setPending({ kind: 'revoke', grant })}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pending ? (
        <ConfirmDialog pending={pending} onCancel={() => setPending(undefined)} onConfirm={confirm} />
      ) : null}
    </section>
  );
}

function ConfirmDialog({
  pending,
  onCancel,
  onConfirm,
}: {
  pending: Pending;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const text =
    pending.kind === 'revoke'
      ? {
          title: `Revoke ${pending.grant.client_name} for ${pending.grant.username}?`,
          body: 'Its tokens stop working at once and its database sessions close. The user can sign in again from the client.',
          action: 'Revoke',
        }
      : pending.kind === 'delete'
        ? {
            title: `Delete ${pending.client.name}?`,
            body: 'Its grants and tokens go with it. The client may register again unless registration is restricted.',
            action: 'Delete',
          }
        : {
            title: `Disable ${pending.client.name}?`,
            body: 'Its grants are revoked and nobody can sign in with it until it is enabled again.',
            action: 'Disable',
          };
  return (
    <ConfirmModal title={text.title} confirmLabel={text.action} onClose={onCancel} onConfirm={onConfirm}>
      <p>{text.body}</p>
    </ConfirmModal>
  );
}
