import type { ApiClient, OAuthRequest } from '@pgmcp/api-contract';
import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage } from '../api/error-message.js';
import { Logo } from '../ui/icons.js';

/** The path the server sends the browser to for consent (`/oauth/consent?request=…`). */
export const CONSENT_PATH = '/oauth/consent';

/** Props of {@link ConsentPage}. */
export interface ConsentPageProps {
  api: Pick<ApiClient, 'getOAuthRequest' | 'decideOAuthRequest'>;
  requestId: string;
  /** Sends the browser back to the client (the page does `location.assign`). */
  onDone: (redirectTo: string) => void;
}

type Choice = 'none' | 'read' | 'read_write';

/**
 * Consent for an MCP client that signs in with OAuth: who asks (name, where it sends the browser
 * back to), and what it may do in pgmcp's terms — which connections with read or read/write, which
 * tools. The user may narrow both. The answer is a JSON POST with the session cookie, which a page on
 * another site cannot make; the page itself cannot be framed (X-Frame-Options, frame-ancestors).
 */
export function ConsentPage({ api, requestId, onDone }: ConsentPageProps) {
  const [request, setRequest] = useState<OAuthRequest>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [connections, setConnections] = useState<Record<string, Choice>>({});
  const [tools, setTools] = useState<Record<string, boolean>>({});

  useEffect(() => {
    let live = true;
    api.getOAuthRequest({ params: { id: requestId } }).then(
      (loaded) => {
        if (!live) return;
        setRequest(loaded);
        // Read-only unless the user widens it: the least that is useful.
        setConnections(Object.fromEntries(loaded.connections.map((c) => [c.name, 'read'])));
        setTools(Object.fromEntries(loaded.tools.map((t) => [t, true])));
      },
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [api, requestId]);

  const decide = async (approve: boolean) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const body = approve
        ? {
            approve: true,
            connections: Object.entries(connections)
              .filter((entry): entry is [string, 'read' | 'read_write'] => entry[1] !== 'none')
              .map(([name, access]) => ({ name, access })),
            tools: Object.entries(tools)
              .filter(([, on]) => on)
              .map(([name]) => name),
          }
        : { approve: false };
      const { redirect_to } = await api.decideOAuthRequest({ params: { id: requestId }, body });
      onDone(redirect_to);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void decide(true);
  };

  return (
    <main className="login">
      <form className="login-card consent" onSubmit={submit} aria-busy={!request && !error}>
        <div className="login-brand">
          <Logo size={40} />
          <div>
            <h1>Allow access to pgmcp?</h1>
            {request ? (
              <p className="muted">
                <strong>{request.client.name}</strong> wants to use pgmcp for you. It will return to{' '}
                <code>{request.client.redirect_origin}</code>
                {request.client.kind === 'metadata_document' ? (
                  <>
                    {' '}
                    (its description is published at <code>{new URL(request.client.id).host}</code>)
                  </>
                ) : null}
                {request.client.client_uri ? (
                  <>
                    {' '}
                    (says it is <code>{request.client.client_uri}</code>)
                  </>
                ) : null}
                .
              </p>
            ) : null}
          </div>
        </div>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        {request ? (
          <>
            <fieldset className="field">
              <legend className="field-label">Connections</legend>
              {request.connections.length === 0 ? (
                <p className="muted small">You have no connections.</p>
              ) : null}
              {request.connections.map((grant) => (
                <label key={grant.name} className="consent-row">
                  <span>{grant.name}</span>
                  <select
                    aria-label={`Access to ${grant.name}`}
                    value={connections[grant.name] ?? 'none'}
                    onChange={(event) =>
                      setConnections({ ...connections, [grant.name]: event.target.value as Choice })
                    }
                  >
                    <option value="none">no access</option>
                    <option value="read">read</option>
                    {grant.access === 'read_write' ? (
                      <option value="read_write">read and write</option>
                    ) : null}
                  </select>
                </label>
              ))}
            </fieldset>
            <fieldset className="field">
              <legend className="field-label">Tools</legend>
              {request.tools.map((tool) => (
                <label key={tool} className="consent-row consent-check">
                  <input
                    type="checkbox"
                    checked={tools[tool] ?? false}
                    onChange={(event) => setTools({ ...tools, [tool]: event.target.checked })}
                  />
                  <code>{tool}</code>
                </label>
              ))}
            </fieldset>
            <p className="muted small">
              Access never exceeds your own. You can revoke it at any time; it appears among your tokens.
            </p>
            <div className="consent-actions">
              <button type="button" className="button" disabled={busy} onClick={() => void decide(false)}>
                Deny
              </button>
              <button type="submit" className="button primary" disabled={busy}>
                Allow
              </button>
            </div>
          </>
        ) : null}
      </form>
    </main>
  );
}
