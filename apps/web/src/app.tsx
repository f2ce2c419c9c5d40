import type { LoginOptions, MeResponse } from '@pgmcp/api-contract';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from './api/error-message.js';
import { type AppEnv, type AppEnvFactory, createBrowserEnv, type SessionMemory } from './env.js';
import { CONSENT_PATH, ConsentPage } from './oauth/consent-page.js';
import { LoginPage } from './session/login-page.js';
import { Logo } from './ui/icons.js';

// The workspace (agent, MCP client, chat) loads in its own chunk: the login page needs none of it.
const loadWorkspace = () => import('./workspace/workspace.js').then((m) => ({ default: m.Workspace }));
const Workspace = lazy(loadWorkspace);

type Session =
  | { status: 'loading' }
  | { status: 'signed_out'; reason?: 'expired' | 'logged_out' }
  | { status: 'signed_in'; me: MeResponse }
  | { status: 'unreachable'; message: string };

/** A refused single sign-on comes back as `?sso_error=<code>`: read once, then taken out of the address. */
function takeSsoError(): string | undefined {
  const url = new URL(window.location.href);
  const code = url.searchParams.get('sso_error') ?? undefined;
  if (code !== undefined) {
    url.searchParams.delete('sso_error');
    window.history.replaceState(null, '', `${url.pathname}${url.search}${url.hash}`);
  }
  return code;
}

function Splash() {
  return (
    <div className="splash" aria-busy="true">
      <Logo size={40} />
    </div>
  );
}

/** Props of {@link App}. */
export interface AppProps {
  /** Builds what the app talks to; the real server by default, fakes in tests. */
  createEnv?: AppEnvFactory;
}

/**
 * The web client: the login page until the session cookie is valid, then the workspace. When the
 * session ends (expiry, logout elsewhere) it returns to the login page with the unsent message kept in
 * memory, and reopens the same conversation after login.
 */
export function App({ createEnv = createBrowserEnv }: AppProps) {
  const [session, setSession] = useState<Session>({ status: 'loading' });
  const memory = useRef<SessionMemory>({ draft: '' });

  const sessionLost = useCallback(() => {
    setSession((current) =>
      current.status === 'signed_in' ? { status: 'signed_out', reason: 'expired' } : current,
    );
  }, []);
  const [env] = useState<AppEnv>(() => createEnv(sessionLost));
  const [ssoError] = useState(takeSsoError);
  const [loginOptions, setLoginOptions] = useState<LoginOptions>();

  const check = useCallback(async () => {
    // Asked of a public route: not being signed in yet is an answer, not a 401 in the console.
    try {
      const state = await env.api.sessionState();
      if (state.me) setSession({ status: 'signed_in', me: state.me });
      else {
        setSession({ status: 'signed_out' });
        // Fetch the workspace while the user types the password.
        void loadWorkspace();
      }
    } catch (error) {
      setSession({ status: 'unreachable', message: errorMessage(error) });
    }
  }, [env]);

  useEffect(() => {
    void check();
  }, [check]);

  // What the login page offers (single sign-on); without an answer it offers the password form.
  const signedOut = session.status === 'signed_out';
  useEffect(() => {
    if (signedOut && !loginOptions) env.api.loginOptions().then(setLoginOptions, () => undefined);
  }, [env, signedOut, loginOptions]);

  const login = async (username: string, password: string) => {
    await env.api.login({ body: { username, password } });
    setSession({ status: 'signed_in', me: await env.api.me() });
  };

  const logout = async () => {
    try {
      await env.api.logout();
    } catch {
      // The session may already be gone; signing out locally is what the user asked for.
    }
    memory.current = { draft: '' };
    setSession({ status: 'signed_out', reason: 'logged_out' });
  };

  switch (session.status) {
    case 'loading':
      return <Splash />;
    case 'unreachable':
      return (
        <main className="login">
          <div className="login-card">
            <h1>pgmcp is not reachable</h1>
            <p className="form-error" role="alert">
              {session.message}
            </p>
            <button type="button" className="button primary" onClick={() => void check()}>
              Try again
            </button>
          </div>
        </main>
      );
    case 'signed_out':
      return (
        <LoginPage
          onLogin={login}
          {...(session.reason ? { reason: session.reason } : {})}
          hasDraft={memory.current.draft.trim() !== ''}
          {...(loginOptions ? { options: loginOptions } : {})}
          {...(ssoError && !session.reason ? { ssoError } : {})}
          returnTo={`${window.location.pathname}${window.location.search}`}
        />
      );
    case 'signed_in': {
      // An MCP client sent the browser here to ask for the user's consent (OAuth).
      const consentRequest =
        window.location.pathname === CONSENT_PATH
          ? new URLSearchParams(window.location.search).get('request')
          : null;
      if (consentRequest) {
        return (
          <ConsentPage
            api={env.api}
            requestId={consentRequest}
            onDone={(url) => window.location.assign(url)}
          />
        );
      }
      return (
        <Suspense fallback={<Splash />}>
          <Workspace
            key={session.me.user.id}
            env={env}
            me={session.me}
            memory={memory.current}
            onLogout={() => void logout()}
            onSessionLost={sessionLost}
          />
        </Suspense>
      );
    }
  }
}
