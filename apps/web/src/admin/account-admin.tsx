import {
  API_SCOPES,
  type ApiClient,
  type ApiScope,
  type ApiToken,
  type Connection,
  type MeResponse,
  type TokenScope,
} from '@pgmcp/api-contract';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { CopyButton } from '../ui/copy-button.js';
import { ConfirmModal, ErrorNotice } from './admin-parts.js';
import { useAction } from './use-action.js';

/** Props of {@link AccountAdmin}. */
export interface AccountAdminProps {
  api: ApiClient;
  me: MeResponse;
}

type Access = 'read' | 'read_write';
type ItemKind = 'tool' | 'resource' | 'prompt';

function describeScope(scope: TokenScope | null): string {
  if (!scope) return 'everything you may use';
  const parts: string[] = [];
  if (scope.connections)
    parts.push(scope.connections.map((c) => `${c.name} (${c.access})`).join(', ') || 'no connection');
  if (scope.mcp_items) parts.push(`${scope.mcp_items.length} MCP items`);
  parts.push(scope.api?.length ? `API: ${scope.api.join(', ')}` : 'no REST API');
  return parts.join('; ');
}

const toggled = <T,>(list: readonly T[], value: T, on: boolean) =>
  on ? [...list, value] : list.filter((v) => v !== value);

/**
 * The Account screen (everyone signed in): the caller's own API tokens — create with a scope and
 * an expiry (the secret shown once, with a copy button), revoke after confirmation — and their own
 * database login for `per_user` connections.
 */
export function AccountAdmin({ api, me }: AccountAdminProps) {
  const [tokens, setTokens] = useState<ApiToken[]>([]);
  const [connections, setConnections] = useState<Connection[]>([]);
  const [revoking, setRevoking] = useState<ApiToken>();
  const [secret, setSecret] = useState<string>();
  const list = useAction();
  const startList = list.run;

  const load = useCallback(async () => {
    const [mine, conns] = await Promise.all([api.listTokens(), api.listConnections()]);
    setTokens(mine.tokens);
    setConnections(conns.connections);
  }, [api]);
  useEffect(() => {
    void startList(load);
  }, [load, startList]);

  return (
    <section className="admin-page pad" aria-labelledby="account-title">
      <h2 id="account-title">Account of {me.user.username}</h2>
      <h3>API tokens</h3>
      <ErrorNotice error={list.error} />
      {secret ? (
        <div className="notice notice-ok token-secret" role="status">
          <p>Your new token (shown only this once, copy it now):</p>
          <code aria-label="New token">{secret}</code>
          <CopyButton text={secret} label="Copy the token" />
          <button type="button" className="button small" onClick={() => setSecret(undefined)}>
            Done
          </button>
        </div>
      ) : null}
      <table className="admin-table">
        <thead>
          <tr>
            <th>Note</th>
            <th>Prefix</th>
            <th>Scope</th>
            <th>Expires</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.id}>
              <td>{token.note ?? '—'}</td>
              <td>
                <code>{token.prefix}</code>
              </td>
              <td>{describeScope(token.scope)}</td>
              <td>{token.expires_at ? new Date(token.expires_at).toLocaleDateString() : 'never'}</td>
              <td>{token.last_used_at ? new Date(token.last_used_at).toLocaleString() : 'never'}</td>
              <td>
                <button
                  type="button"
                  className="button small danger"
                  aria-label={`Revoke token ${token.note ?? token.prefix}`}
                  onClick={() => setRevoking(token)}
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
          {tokens.length === 0 ? (
            <tr>
              <td className="muted" colSpan={6}>
                No API tokens yet.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <CreateToken
        api={api}
        me={me}
        connections={connections}
        onCreated={(token) => {
          setSecret(token);
          void list.run(load);
        }}
      />
      <MyLogins api={api} connections={connections.filter((c) => c.credentials === 'per_user')} />
      {revoking ? (
        <ConfirmModal
          title={`Revoke ${revoking.note ?? revoking.prefix}?`}
          confirmLabel="Revoke"
          onClose={() => setRevoking(undefined)}
          onConfirm={() => {
            const token = revoking;
            setRevoking(undefined);
            void list.run(async () => {
              await api.revokeToken({ params: { id: token.id } });
              await load();
            });
          }}
        >
          <p>Programs using this token stop working at once.</p>
        </ConfirmModal>
      ) : null}
    </section>
  );
}

/** The token form: note, expiry, and the scope (connections with access, API parts, MCP items). */
function CreateToken(props: {
  api: ApiClient;
  me: MeResponse;
  connections: Connection[];
  onCreated: (secret: string) => void;
}) {
  const { api, me, connections } = props;
  const [note, setNote] = useState('');
  const [days, setDays] = useState('90');
  const [scoped, setScoped] = useState<Record<string, Access>>({});
  const [parts, setParts] = useState<ApiScope[]>([]);
  const [items, setItems] = useState<string[]>([]);
  const action = useAction();
  const mcpItems = (['tool', 'resource', 'prompt'] as const).flatMap((kind) =>
    me.access[`${kind}s`].map((name) => `${kind}:${name}`),
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const picked = Object.entries(scoped);
    const scope: TokenScope = {
      ...(picked.length ? { connections: picked.map(([name, access]) => ({ name, access })) } : {}),
      ...(items.length
        ? {
            mcp_items: items.map((key) => {
              const [kind, ...name] = key.split(':');
              return { kind: kind as ItemKind, name: name.join(':') };
            }),
          }
        : {}),
      ...(parts.length ? { api: parts } : {}),
    };
    await action.run(async () => {
      const created = await api.createToken({
        body: {
          ...(note.trim() ? { note: note.trim() } : {}),
          ...(days.trim() ? { expires_in_days: Number(days) } : {}),
          scope,
        },
      });
      setNote('');
      props.onCreated(created.token);
    });
  };

  return (
    <form className="admin-form" aria-label="Create an API token" onSubmit={(e) => void submit(e)}>
      <h3>Create an API token</h3>
      <label className="field">
        <span>Note</span>
        <input value={note} onChange={(e) => setNote(e.target.value)} placeholder="my laptop" />
      </label>
      <label className="field">
        <span>Expires in days (empty: never)</span>
        <input inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />
      </label>
      <fieldset className="scope">
        <legend>Connections (none ticked: all of yours)</legend>
        {connections.map((c) => (
          <div key={c.name} className="scope-row">
            <label className="field check">
              <input
                type="checkbox"
                checked={c.name in scoped}
                onChange={(e) =>
                  setScoped(({ [c.name]: _old, ...rest }) =>
                    e.target.checked ? { ...rest, [c.name]: 'read' } : rest,
                  )
                }
              />
              <span>{c.name}</span>
            </label>
            {c.name in scoped && c.access === 'read_write' ? (
              <select
                aria-label={`Access to ${c.name}`}
                value={scoped[c.name]}
                onChange={(e) => setScoped((s) => ({ ...s, [c.name]: e.target.value as Access }))}
              >
                <option value="read">read</option>
                <option value="read_write">read_write</option>
              </select>
            ) : null}
          </div>
        ))}
      </fieldset>
      <fieldset className="scope">
        <legend>REST API parts (none ticked: MCP only)</legend>
        {API_SCOPES.map((part) => (
          <label key={part} className="field check">
            <input
              type="checkbox"
              checked={parts.includes(part)}
              onChange={(e) => setParts((p) => toggled(p, part, e.target.checked))}
            />
            <span>{part}</span>
          </label>
        ))}
      </fieldset>
      {mcpItems.length > 0 ? (
        <fieldset className="scope">
          <legend>MCP items (none ticked: all of yours)</legend>
          {mcpItems.map((key) => (
            <label key={key} className="field check">
              <input
                type="checkbox"
                checked={items.includes(key)}
                onChange={(e) => setItems((i) => toggled(i, key, e.target.checked))}
              />
              <span>{key.replace(':', ' ')}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
      <ErrorNotice error={action.error} />
      <div className="modal-actions">
        <button type="submit" className="button primary" disabled={action.busy}>
          Create token
        </button>
      </div>
    </form>
  );
}

/** One form per `per_user` connection: the caller's own database login (the password is never shown). */
function MyLogins({ api, connections }: { api: ApiClient; connections: Connection[] }) {
  if (connections.length === 0) return null;
  return (
    <>
      <h3>My database logins</h3>
      <p className="field-hint">
        These connections use each person&rsquo;s own database role. The stored password is never shown.
      </p>
      {connections.map((c) => (
        <MyLogin key={c.id} api={api} connection={c} />
      ))}
    </>
  );
}

function MyLogin({ api, connection }: { api: ApiClient; connection: Connection }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [saved, setSaved] = useState<string>();
  const action = useAction();
  const params = { id: connection.id };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await action.run(() =>
      api.setMyCredentials({
        params,
        body: { username: username.trim(), ...(password ? { password } : {}) },
      }),
    );
    if (ok) {
      setPassword('');
      setSaved(`Saved: you connect to ${connection.name} as ${username.trim()}.`);
    }
  };
  const forget = async () => {
    if (await action.run(() => api.deleteMyCredentials({ params }))) {
      setSaved(`Forgotten: ${connection.name} has no login of yours now.`);
    }
  };
  return (
    <form
      className="admin-form"
      aria-label={`My login for ${connection.name}`}
      onSubmit={(e) => void save(e)}
    >
      <h4>{connection.name}</h4>
      <label className="field">
        <span>Database user</span>
        <input value={username} required onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label className="field">
        <span>Database password</span>
        <input
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <ErrorNotice error={action.error} />
      {saved ? (
        <p className="notice notice-ok" role="status">
          {saved}
        </p>
      ) : null}
      <div className="modal-actions">
        <button type="button" className="button" disabled={action.busy} onClick={() => void forget()}>
          Forget my login
        </button>
        <button type="submit" className="button primary" disabled={action.busy}>
          Save my login
        </button>
      </div>
    </form>
  );
}
