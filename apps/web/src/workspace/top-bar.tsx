import type { Connection } from '@pgmcp/api-contract';
import { useState } from 'react';
import { errorMessage } from '../api/error-message.js';
import {
  AlertIcon,
  ChatIcon,
  DatabaseIcon,
  GaugeIcon,
  Logo,
  LogoutIcon,
  MenuIcon,
  MoonIcon,
  SunIcon,
  TerminalIcon,
} from '../ui/icons.js';
import type { Theme } from '../ui/theme.js';
import type { ServerInfo } from './use-server-info.js';

/** The workspace's views; `admin` is the admin area (its sections depend on the caller's rights). */
export type WorkspaceView = 'chat' | 'console' | 'monitor' | 'alerts' | 'admin';

/** Props of {@link TopBar}. */
export interface TopBarProps {
  info: ServerInfo;
  view: WorkspaceView;
  onView: (view: WorkspaceView) => void;
  /** The admin area's tab name ("Admin" or "Account"); undefined hides the tab (no section to show). */
  adminLabel?: string | undefined;
  theme: Theme;
  onToggleTheme: () => void;
  username: string;
  /** Undefined when authentication is off (nothing to log out of). */
  onLogout: (() => void) | undefined;
  onToggleSidebar: () => void;
  sidebarOpen: boolean;
  /** Called with a failure of switching connections. */
  onError: (message: string) => void;
}

function connectionLabel(c: Connection): string {
  return c.writes_allowed && c.access === 'read_write' ? `${c.name} (writes allowed)` : c.name;
}

/** Navigation, model and connection selectors, theme and account. */
export function TopBar(props: TopBarProps) {
  const { info, view, onView } = props;
  const { llm } = info;
  const [switching, setSwitching] = useState(false);
  return (
    <header className="top-bar">
      <button
        type="button"
        className="icon-button sidebar-toggle"
        aria-label={props.sidebarOpen ? 'Hide conversations' : 'Show conversations'}
        aria-expanded={props.sidebarOpen}
        onClick={props.onToggleSidebar}
      >
        <MenuIcon />
      </button>
      <div className="brand">
        <Logo size={26} />
        <span className="brand-name">pgmcp</span>
      </div>
      {/* Each tab names itself: narrow windows hide the labels and show only the icons. */}
      <nav className="view-switch" aria-label="Views">
        <button
          type="button"
          className="view-tab"
          aria-label="Chat"
          aria-pressed={view === 'chat'}
          onClick={() => onView('chat')}
        >
          <ChatIcon /> <span>Chat</span>
        </button>
        <button
          type="button"
          className="view-tab"
          aria-label="SQL console"
          aria-pressed={view === 'console'}
          onClick={() => onView('console')}
        >
          <TerminalIcon /> <span>SQL console</span>
        </button>
        <button
          type="button"
          className="view-tab"
          aria-label="Monitor"
          aria-pressed={view === 'monitor'}
          onClick={() => onView('monitor')}
        >
          <GaugeIcon /> <span>Monitor</span>
        </button>
        <button
          type="button"
          className="view-tab"
          aria-label="Alerts"
          aria-pressed={view === 'alerts'}
          onClick={() => onView('alerts')}
        >
          <AlertIcon /> <span>Alerts</span>
        </button>
        {props.adminLabel ? (
          <button
            type="button"
            className="view-tab"
            aria-pressed={view === 'admin'}
            aria-label={props.adminLabel}
            onClick={() => onView('admin')}
          >
            <DatabaseIcon /> <span>{props.adminLabel}</span>
          </button>
        ) : null}
      </nav>
      <div className="top-controls">
        {llm.error ? (
          <span className="pill pill-error" title={llm.error}>
            No LLM configured
          </span>
        ) : (
          <>
            <label className="select-field">
              <span className="select-label">Provider</span>
              <select
                value={llm.provider ?? ''}
                disabled={llm.providers.length === 0}
                onChange={(event) => info.setProvider(event.target.value)}
              >
                {llm.providers.length === 0 ? (
                  <option value="">{llm.loading ? 'Loading…' : '—'}</option>
                ) : null}
                {llm.providers.map((p) => (
                  <option key={p.name} value={p.name}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="select-field">
              <span className="select-label">Model</span>
              <select
                value={llm.model ?? ''}
                disabled={llm.models.length === 0}
                title={llm.modelsError ? `Could not list the models: ${llm.modelsError}` : undefined}
                onChange={(event) => info.setModel(event.target.value)}
              >
                {llm.models.length === 0 ? <option value="">{llm.loading ? 'Loading…' : '—'}</option> : null}
                {llm.models.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.id}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        <label className="select-field">
          <span className="select-label">
            <DatabaseIcon size={13} /> Database
          </span>
          <select
            value={info.current?.name ?? ''}
            disabled={info.connections.length === 0 || switching}
            onChange={(event) => {
              setSwitching(true);
              info
                .selectConnection(event.target.value)
                .catch((e: unknown) => props.onError(`Could not switch the connection: ${errorMessage(e)}`))
                .finally(() => setSwitching(false));
            }}
          >
            {info.connections.length === 0 ? <option value="">—</option> : null}
            {info.connections.map((c) => (
              <option key={c.name} value={c.name}>
                {connectionLabel(c)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="top-actions">
        <button
          type="button"
          className="icon-button"
          aria-label={props.theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
          title={props.theme === 'dark' ? 'Light theme' : 'Dark theme'}
          onClick={props.onToggleTheme}
        >
          {props.theme === 'dark' ? <SunIcon /> : <MoonIcon />}
        </button>
        {props.onLogout ? (
          <button
            type="button"
            className="button ghost small logout"
            aria-label="Log out"
            title={`Signed in as ${props.username}`}
            onClick={props.onLogout}
          >
            <LogoutIcon /> <span className="logout-label">Log out</span>
          </button>
        ) : null}
      </div>
    </header>
  );
}

/** Server version, the current connection and a clear warning when it accepts writes. */
export function StatusBar({ info, username }: { info: ServerInfo; username: string }) {
  const current = info.current;
  const writes = current?.writes_allowed === true && current.access === 'read_write';
  return (
    <footer className="status-bar">
      <span>pgmcp {info.version ?? ''}</span>
      {current ? (
        <span className="status-connection" title={current.description ?? undefined}>
          <span className={`dot ${writes ? 'warn' : 'ok'}`} aria-hidden="true" />
          {current.name}: {current.database} on {current.host}:{current.port}
        </span>
      ) : (
        <span>{info.connectionError ?? 'no connection'}</span>
      )}
      {current ? (
        writes ? (
          <span className="status-writes" role="status">
            Writes are enabled on “{current.name}”: the assistant asks before every change
          </span>
        ) : (
          <span className="muted">read-only</span>
        )
      ) : null}
      <span className="status-user">{username}</span>
    </footer>
  );
}
