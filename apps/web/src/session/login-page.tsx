import { type LoginOptions, SSO_ERRORS } from '@pgmcp/api-contract';
import { type FormEvent, useId, useState } from 'react';
import { errorMessage } from '../api/error-message.js';
import { Logo } from '../ui/icons.js';

/** Props of {@link LoginPage}. */
export interface LoginPageProps {
  onLogin: (username: string, password: string) => Promise<void>;
  /** Why the user is here again: the session expired, or they logged out. */
  reason?: 'expired' | 'logged_out';
  /** A message is waiting to be sent after login. */
  hasDraft?: boolean;
  /** What the server offers: single sign-on, and who may use a password. */
  options?: LoginOptions;
  /** Why the last single sign-on was refused (`?sso_error=` of the callback). */
  ssoError?: string;
  /** Where single sign-on returns to (a local path); default `/`. */
  returnTo?: string;
}

/** The message of a refused single sign-on, for a code the server sent. */
export function ssoErrorMessage(code: string): string {
  return Object.hasOwn(SSO_ERRORS, code)
    ? SSO_ERRORS[code as keyof typeof SSO_ERRORS]
    : 'Single sign-on did not complete. Please try again.';
}

function ssoHref(startUrl: string, returnTo: string | undefined): string {
  return returnTo && returnTo !== '/' ? `${startUrl}?return_to=${encodeURIComponent(returnTo)}` : startUrl;
}

/** Sign-in. The server answers with an httpOnly cookie; nothing is kept in the page. */
export function LoginPage({ onLogin, reason, hasDraft, options, ssoError, returnTo }: LoginPageProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const errorId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await onLogin(username.trim(), password);
    } catch (e) {
      setError(errorMessage(e));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form
        className="login-card"
        onSubmit={(event) => void submit(event)}
        aria-describedby={error ? errorId : undefined}
      >
        <div className="login-brand">
          <Logo size={40} />
          <div>
            <h1>pgmcp</h1>
            <p className="muted">Ask your PostgreSQL in plain language</p>
          </div>
        </div>
        {reason === 'expired' ? (
          <p className="notice notice-warning" role="status">
            Your session has ended. Sign in again{hasDraft ? ' — your unsent message is kept' : ''}.
          </p>
        ) : null}
        {reason === 'logged_out' ? (
          <p className="notice notice-info" role="status">
            You are signed out.
          </p>
        ) : null}
        {ssoError ? (
          <p className="form-error" role="alert">
            {ssoErrorMessage(ssoError)}
          </p>
        ) : null}
        {options?.sso ? (
          <>
            <a className="button primary wide" href={ssoHref(options.sso.start_url, returnTo)}>
              {options.sso.label}
            </a>
            <p className="login-divider muted small">
              {options.password_login === 'admins_only' ? 'Administrators: sign in with a password' : 'or'}
            </p>
          </>
        ) : null}
        <label className="field">
          <span className="field-label">Username</span>
          <input
            name="username"
            autoComplete="username"
            // The first thing to do on this page.
            autoFocus
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {error ? (
          <p id={errorId} className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className={`button wide${options?.sso ? '' : ' primary'}`} disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small login-help">
          First start? <code>npm start</code> printed the <strong>admin</strong> password in its terminal (or
          set <code>PGMCP_ADMIN_PASSWORD</code> before the first start).
        </p>
      </form>
    </main>
  );
}
