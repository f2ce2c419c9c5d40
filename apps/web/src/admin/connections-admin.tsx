import {
  type ApiClient,
  type Connection,
  type ConnectionTestResult,
  SSL_MODE_VALUES,
} from '@pgmcp/api-contract';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/error-message.js';
import { ConfirmModal } from '../ui/confirm-modal.js';

/** Props of {@link ConnectionsAdmin}. */
export interface ConnectionsAdminProps {
  api: ApiClient;
  /** A connection was added or deleted (the selectors reload). */
  onChanged?: () => void;
}

interface Draft {
  name: string;
  host: string;
  port: string;
  database: string;
  username: string;
  password: string;
  sslmode: (typeof SSL_MODE_VALUES)[number];
  allowWrites: boolean;
  perUser: boolean;
  monitored: boolean;
}

const EMPTY: Draft = {
  name: '',
  host: '',
  port: '5432',
  database: '',
  username: '',
  password: '',
  sslmode: 'prefer',
  allowWrites: false,
  perUser: false,
  monitored: false,
};

function bodyOf(draft: Draft) {
  return {
    name: draft.name.trim(),
    host: draft.host.trim(),
    port: Number(draft.port),
    database: draft.database.trim(),
    ...(draft.username.trim() && !draft.perUser ? { username: draft.username.trim() } : {}),
    ...(draft.password && !draft.perUser ? { password: draft.password } : {}),
    sslmode: draft.sslmode,
    allow_writes: draft.allowWrites,
    credentials: draft.perUser ? ('per_user' as const) : ('shared' as const),
    is_monitored: draft.monitored,
  };
}

/** Where a connection is defined, as the Source column says it. */
const SOURCE_LABELS: Record<Connection['source'], string> = {
  config: 'pgmcp.yaml (read-only)',
  builtin: 'built in (read-only)',
  store: 'managed here',
};

function describeTest(result: ConnectionTestResult): string {
  return result.ok
    ? `Connected: PostgreSQL ${result.server_version ?? '?'} in ${result.latency_ms} ms.`
    : `Failed (${result.error?.reason ?? 'other'}): ${result.error?.message ?? ''}`;
}

/**
 * The Connections admin screen (manage_connections): the connections with their source, a form to
 * add one with a Test button, and delete with confirmation. The server's messages show inline.
 */
export function ConnectionsAdmin({ api, onChanged }: ConnectionsAdminProps) {
  const [connections, setConnections] = useState<Connection[]>([]);
  /** `is_monitored` by connection id (the list route leaves it out; the detail route has it). */
  const [monitored, setMonitored] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [error, setError] = useState<string>();
  const [tested, setTested] = useState<ConnectionTestResult>();
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState<Connection>();

  const load = useCallback(async () => {
    try {
      const listed = (await api.listConnections()).connections;
      setConnections(listed);
      const details = await Promise.all(listed.map((c) => api.getConnection({ params: { id: c.id } })));
      setMonitored(new Map(details.map((d) => [d.id, d.is_monitored])));
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setTested(undefined);
  };

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const test = () =>
    run(async () => {
      setTested(await api.testConnectionDefinition({ body: bodyOf(draft) }));
    });

  const save = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.createConnection({ body: bodyOf(draft) });
      setDraft(EMPTY);
      setTested(undefined);
      await load();
      onChanged?.();
    });
  };

  const setMonitoring = (connection: Connection, on: boolean) =>
    run(async () => {
      await api.updateConnection({ params: { id: connection.id }, body: { is_monitored: on } });
      await load();
    });

  const remove = (connection: Connection) =>
    run(async () => {
      setDeleting(undefined);
      await api.deleteConnection({ params: { id: connection.id } });
      await load();
      onChanged?.();
    });

  return (
    <section className="admin-page pad" aria-labelledby="connections-title">
      <h2 id="connections-title">Connections</h2>
      <table className="admin-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Server</th>
            <th>Login</th>
            <th>Source</th>
            <th>Monitored</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {connections.map((c) => (
            <tr key={c.id}>
              <td>{c.name}</td>
              <td>
                {c.host}:{c.port}/{c.database}
              </td>
              <td>{c.credentials === 'per_user' ? 'each user’s own' : 'shared'}</td>
              <td>{SOURCE_LABELS[c.source]}</td>
              <td>
                {c.source === 'store' ? (
                  <input
                    type="checkbox"
                    aria-label={`Monitor ${c.name}`}
                    checked={monitored.get(c.id) === true}
                    disabled={busy || !monitored.has(c.id)}
                    onChange={(e) => void setMonitoring(c, e.target.checked)}
                  />
                ) : (
                  <span className="muted">{monitored.get(c.id) ? 'yes' : 'no'}</span>
                )}
              </td>
              <td>
                {c.source === 'store' ? (
                  <button
                    type="button"
                    className="button small danger"
                    onClick={() => setDeleting(c)}
                    aria-label={`Delete ${c.name}`}
                  >
                    Delete
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <form className="admin-form" onSubmit={save} aria-label="Add a connection">
        <h3>Add a connection</h3>
        {(
          [
            ['name', 'Name'],
            ['host', 'Host'],
            ['port', 'Port'],
            ['database', 'Database'],
          ] as const
        ).map(([key, label]) => (
          <label key={key} className="field">
            <span>{label}</span>
            <input value={draft[key]} required onChange={(e) => set(key, e.target.value)} />
          </label>
        ))}
        <label className="field check">
          <input type="checkbox" checked={draft.perUser} onChange={(e) => set('perUser', e.target.checked)} />
          <span>Each user logs in with their own database role</span>
        </label>
        {draft.perUser ? null : (
          <>
            <label className="field">
              <span>Database user</span>
              <input value={draft.username} onChange={(e) => set('username', e.target.value)} />
            </label>
            <label className="field">
              <span>Password</span>
              <input
                type="password"
                autoComplete="new-password"
                value={draft.password}
                onChange={(e) => set('password', e.target.value)}
              />
            </label>
          </>
        )}
        <label className="field">
          <span>TLS (sslmode)</span>
          <select value={draft.sslmode} onChange={(e) => set('sslmode', e.target.value as Draft['sslmode'])}>
            {SSL_MODE_VALUES.map((mode) => (
              <option key={mode}>{mode}</option>
            ))}
          </select>
        </label>
        <label className="field check">
          <input
            type="checkbox"
            checked={draft.allowWrites}
            onChange={(e) => set('allowWrites', e.target.checked)}
          />
          <span>Allow writes</span>
        </label>
        <label className="field check">
          <input
            type="checkbox"
            checked={draft.monitored}
            onChange={(e) => set('monitored', e.target.checked)}
          />
          <span>Monitored (collect metrics for the Monitor view)</span>
        </label>
        {error ? (
          <p className="notice notice-error" role="alert">
            {error}
          </p>
        ) : null}
        {tested ? (
          <p className={`notice ${tested.ok ? 'notice-ok' : 'notice-error'}`} role="status">
            {describeTest(tested)}
          </p>
        ) : null}
        <div className="modal-actions">
          <button type="button" className="button" disabled={busy} onClick={() => void test()}>
            Test
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>

      {deleting ? (
        <ConfirmModal
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete"
          cancelLabel="Keep it"
          onClose={() => setDeleting(undefined)}
          onConfirm={() => void remove(deleting)}
        >
          <p>Its pools close, and sessions using it fall back to the default connection.</p>
        </ConfirmModal>
      ) : null}
    </section>
  );
}
