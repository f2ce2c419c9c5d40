import type { AccessExplanation, ApiClient, Privilege } from '@pgmcp/api-contract';
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { ConfirmModal, ErrorNotice } from './admin-parts.js';
import { type GroupDetail, loadGroupDetails } from './groups-admin.js';
import { useAction } from './use-action.js';

/** Props of {@link PrivilegesAdmin}. */
export interface PrivilegesAdminProps {
  api: ApiClient;
}

type McpItem = Awaited<ReturnType<ApiClient['listMcpItems']>>['items'][number];

function describePrivilege(privilege: Privilege): string {
  if (privilege.type === 'mcp_item') return `${privilege.kind} ${privilege.name}`;
  if (privilege.type === 'connection') return `connection ${privilege.name} (${privilege.access})`;
  return `admin ${privilege.permission}`;
}

function privilegesOf(group: GroupDetail): Privilege[] {
  return [
    ...group.privileges.mcp_items.map((i): Privilege => ({ type: 'mcp_item', ...i })),
    ...group.privileges.connections.map((c): Privilege => ({ type: 'connection', ...c })),
    ...group.privileges.admin.map((permission): Privilege => ({ type: 'admin', permission })),
  ];
}

/**
 * The Privileges admin screen (manage_permissions): per group, its MCP items and connection access
 * with grant and revoke (after confirmation); and a user's effective access, each decision with
 * the reason (as `pgmcp privileges show` gives it).
 */
export function PrivilegesAdmin({ api }: PrivilegesAdminProps) {
  const [groups, setGroups] = useState<GroupDetail[]>([]);
  const [items, setItems] = useState<McpItem[]>([]);
  const [connections, setConnections] = useState<string[]>([]);
  const [groupName, setGroupName] = useState('');
  const [item, setItem] = useState('');
  const [connection, setConnection] = useState('');
  const [access, setAccess] = useState<'read' | 'read_write'>('read');
  const [revoking, setRevoking] = useState<Privilege>();
  const action = useAction();
  const startAction = action.run;
  const groupSelect = useId();

  const load = useCallback(async () => {
    const [details, mcp, conns] = await Promise.all([
      loadGroupDetails(api),
      api.listMcpItems(),
      api.listConnections(),
    ]);
    setGroups(details);
    setItems(mcp.items);
    setConnections(conns.connections.map((c) => c.name));
  }, [api]);
  useEffect(() => {
    void startAction(load);
  }, [load, startAction]);

  const group = groups.find((g) => g.name === groupName) ?? groups[0];
  const change = (work: () => Promise<unknown>) =>
    void action.run(async () => {
      await work();
      setGroups(await loadGroupDetails(api));
    });
  const grant = (privilege: Privilege) => (event: FormEvent) => {
    event.preventDefault();
    if (group) change(() => api.grantPrivilege({ body: { group: group.name, privilege } }));
  };
  const [kind, name] = (item || `${items[0]?.kind}:${items[0]?.name}`).split(':') as [
    McpItem['kind'],
    string,
  ];

  return (
    <section className="admin-page pad" aria-labelledby="privileges-title">
      <h2 id="privileges-title">Privileges</h2>
      <ErrorNotice error={action.error} />
      {groups.length === 0 ? (
        <p className="muted">Create a group first: privileges are granted to groups.</p>
      ) : null}
      {group ? (
        <>
          <div className="field inline-field">
            <label htmlFor={groupSelect}>Group</label>
            <select id={groupSelect} value={group.name} onChange={(e) => setGroupName(e.target.value)}>
              {groups.map((g) => (
                <option key={g.id}>{g.name}</option>
              ))}
            </select>
          </div>
          <table className="admin-table" aria-label={`Privileges of ${group.name}`}>
            <tbody>
              {privilegesOf(group).map((p) => (
                <tr key={describePrivilege(p)}>
                  <td>{describePrivilege(p)}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button small danger"
                      aria-label={`Revoke ${describePrivilege(p)}`}
                      onClick={() => setRevoking(p)}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
              {privilegesOf(group).length === 0 ? (
                <tr>
                  <td className="muted">Nothing granted yet.</td>
                </tr>
              ) : null}
            </tbody>
          </table>
          <div className="admin-columns">
            <form
              className="admin-form"
              aria-label="Grant an MCP item"
              onSubmit={grant({ type: 'mcp_item', kind, name })}
            >
              <h3>Grant an MCP item</h3>
              <label className="field">
                <span>MCP item</span>
                <select value={`${kind}:${name}`} onChange={(e) => setItem(e.target.value)}>
                  {items.map((i) => (
                    <option key={`${i.kind}:${i.name}`} value={`${i.kind}:${i.name}`}>
                      {i.kind} {i.name}
                      {i.public ? ' (public)' : ''}
                    </option>
                  ))}
                </select>
              </label>
              <div className="modal-actions">
                <button type="submit" className="button primary" disabled={action.busy || !items.length}>
                  Grant item
                </button>
              </div>
            </form>
            <form
              className="admin-form"
              aria-label="Grant a connection"
              onSubmit={grant({ type: 'connection', name: connection || connections[0] || '', access })}
            >
              <h3>Grant a connection</h3>
              <label className="field">
                <span>Connection</span>
                <select value={connection || connections[0]} onChange={(e) => setConnection(e.target.value)}>
                  {connections.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span>Access</span>
                <select value={access} onChange={(e) => setAccess(e.target.value as 'read' | 'read_write')}>
                  <option value="read">read</option>
                  <option value="read_write">read_write</option>
                </select>
              </label>
              <div className="modal-actions">
                <button
                  type="submit"
                  className="button primary"
                  disabled={action.busy || !connections.length}
                >
                  Grant connection
                </button>
              </div>
            </form>
          </div>
        </>
      ) : null}
      <ExplainAccess api={api} />
      {revoking && group ? (
        <ConfirmModal
          title={`Revoke ${describePrivilege(revoking)}?`}
          confirmLabel="Revoke"
          onClose={() => setRevoking(undefined)}
          onConfirm={() => {
            const privilege = revoking;
            setRevoking(undefined);
            change(() => api.revokePrivilege({ body: { group: group.name, privilege } }));
          }}
        >
          <p>Members of {group.name} lose it unless another of their groups grants it.</p>
        </ConfirmModal>
      ) : null}
    </section>
  );
}

/** A user's effective access: every item, connection and admin permission with its reason. */
function ExplainAccess({ api }: { api: ApiClient }) {
  const [username, setUsername] = useState('');
  const [explanation, setExplanation] = useState<AccessExplanation>();
  const action = useAction();
  const explain = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      setExplanation(undefined);
      setExplanation(await api.explainAccess({ query: { username: username.trim() } }));
    });
  };
  const rows = explanation
    ? [
        ...explanation.mcp_items.map((i) => [`${i.kind} ${i.name}`, i.allowed ? 'yes' : 'no', i.reason]),
        ...explanation.connections.map((c) => [`connection ${c.name}`, c.access ?? 'none', c.reason]),
        ...(explanation.other_connections
          ? [['any other connection', explanation.other_connections, 'superuser']]
          : []),
        ...explanation.admin.map((a) => [a.permission, a.allowed ? 'yes' : 'no', a.reason]),
      ]
    : [];
  return (
    <div className="explain">
      <form className="admin-form" aria-label="Explain a user's access" onSubmit={explain}>
        <h3>Effective access</h3>
        <label className="field">
          <span>Explain the access of user</span>
          <input value={username} required onChange={(e) => setUsername(e.target.value)} />
        </label>
        <ErrorNotice error={action.error} />
        <div className="modal-actions">
          <button type="submit" className="button" disabled={action.busy}>
            Explain
          </button>
        </div>
      </form>
      {explanation ? (
        <div role="region" aria-label={`Access of ${explanation.username}`}>
          <p>
            <strong>{explanation.username}</strong>
            {explanation.enabled ? '' : ' (disabled: nothing below is usable)'} — groups:{' '}
            {explanation.groups.length
              ? explanation.groups
                  .map((g) =>
                    g.path.length > 1 ? `${g.name} (via ${g.path.slice(0, -1).join(' → ')})` : g.name,
                  )
                  .join(', ')
              : 'none'}
            {explanation.bypass ? '. Superuser: every check passes.' : ''}
          </p>
          <table className="admin-table">
            <thead>
              <tr>
                <th>Item</th>
                <th>Allowed</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([what, allowed, why]) => (
                <tr key={what}>
                  <td>{what}</td>
                  <td>{allowed}</td>
                  <td>{why}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
