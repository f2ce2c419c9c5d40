import type { MeResponse } from '@pgmcp/api-contract';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { isApiError } from '@pgmcp/api-contract';
import { errorMessage } from '../api/error-message.js';
import { ChatSession } from '../chat/chat-session.js';
import { ChatView } from '../chat/chat-view.js';
import { Sidebar } from '../conversations/sidebar.js';
import { useConversations } from '../conversations/use-conversations.js';
import type { AppEnv, SessionMemory } from '../env.js';
import { preloadMarkdown } from '../markdown/markdown.js';
import type { McpSession } from '../mcp/mcp-session.js';
import { useStore } from '../store.js';
import { useTheme } from '../ui/theme.js';
import { areaLabel, visibleSections } from '../admin/sections.js';
import type { ConsoleRequest } from '../console/sql-console.js';
import { onOpenInConsole } from '../console/open-in-console.js';
import { StatusBar, TopBar, type WorkspaceView } from './top-bar.js';
import { useServerInfo } from './use-server-info.js';
import type { MonitorFocus } from '../monitor/monitor-source.js';

const AdminArea = lazy(() => import('../admin/admin-area.js').then((m) => ({ default: m.AdminArea })));
const MonitorArea = lazy(() =>
  import('../monitor/monitor-area.js').then((m) => ({ default: m.MonitorArea })),
);
const AlertsView = lazy(() => import('../alerts/alerts-view.js').then((m) => ({ default: m.AlertsView })));
const LibraryConsole = lazy(() =>
  import('../console/library-console.js').then((m) => ({ default: m.LibraryConsole })),
);

/** Questions that fit the demo database `pnpm start` creates. */
const DEMO_SUGGESTIONS = [
  'Which products sell best? Show the top 10 by revenue in 2025.',
  'Show the open support tickets about shipping, most urgent first.',
  'How did monthly revenue per department develop from 2021 to 2025?',
  'Which warehouses are running low on stock?',
];
const GENERIC_SUGGESTIONS = [
  'What is in this database? Give me a short tour.',
  'Which tables are the largest, and what do they hold?',
  'Show me the ten most recent rows of the most important table.',
];

/** Props of {@link Workspace}. */
export interface WorkspaceProps {
  env: AppEnv;
  me: MeResponse;
  /** Draft and open conversation, kept by the app across a re-login. */
  memory: SessionMemory;
  onLogout: () => void;
  /** The session ended (expired, revoked): back to the login page. */
  onSessionLost: () => void;
}

/** The signed-in app: conversations, chat, SQL console, selectors and status. */
export function Workspace({ env, me, memory, onLogout, onSessionLost }: WorkspaceProps) {
  const info = useServerInfo(env.api);
  const conversations = useConversations(env.api);
  const { theme, toggle } = useTheme();
  const [view, setView] = useState<WorkspaceView>('chat');
  const [consoleSeen, setConsoleSeen] = useState(false);
  /** Where "Monitor" on an alert asked the Monitor view to look. */
  const [monitorFocus, setMonitorFocus] = useState<MonitorFocus>();
  const [sidebarOpen, setSidebarOpen] = useState(false);

  // One MCP connection for the chat and the console, opened on first use and retried after a failure.
  const mcpPromise = useRef<Promise<McpSession>>(undefined);
  const getMcp = useCallback(() => {
    mcpPromise.current ??= env.connectMcp().catch((error: unknown) => {
      mcpPromise.current = undefined;
      throw error;
    });
    return mcpPromise.current;
  }, [env]);
  useEffect(
    () => () => {
      void mcpPromise.current?.then((s) => s.close()).catch(() => undefined);
    },
    [],
  );
  const callTool = useCallback<McpSession['callTool']>(
    async (name, args, signal) => (await getMcp()).callTool(name, args, signal),
    [getMcp],
  );

  const reload = useRef(conversations.reload);
  reload.current = conversations.reload;
  const [session] = useState(
    () =>
      new ChatSession({
        llm: env.llm,
        mcp: getMcp,
        api: env.api,
        onSaved: (saved) => {
          memory.conversationId = saved.id;
          void reload.current();
        },
        onUnauthorized: (draft) => {
          if (draft) memory.draft = draft;
          onSessionLost();
        },
      }),
  );
  const activeId = useStore(session.store, (s) => s.conversationId);
  const [notice, setNotice] = useState<string>();

  const open = useCallback(
    async (id: string) => {
      try {
        const conversation = await env.api.getConversation({ params: { id } });
        session.open(conversation);
        memory.conversationId = id;
        setView('chat');
        setSidebarOpen(false);
      } catch (error) {
        if (isApiError(error, 'NOT_FOUND')) memory.conversationId = undefined;
        if (!isApiError(error, 'UNAUTHORIZED'))
          setNotice(`Could not open the conversation: ${errorMessage(error)}`);
      }
    },
    [env, session, memory],
  );

  const startNew = useCallback(() => {
    session.reset();
    memory.conversationId = undefined;
    setView('chat');
    setSidebarOpen(false);
  }, [session, memory]);

  // After a re-login, reopen the conversation that was on screen; load the markdown renderer early.
  useEffect(() => {
    preloadMarkdown();
    if (memory.conversationId) void open(memory.conversationId);
    // Once, on mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Esc closes the conversations drawer (narrow windows), focus back on its toggle. A dialog open
  // inside it handles Esc first (in the capture phase) and stops it there.
  useEffect(() => {
    if (!sidebarOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      setSidebarOpen(false);
      document.querySelector<HTMLElement>('.sidebar-toggle')?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [sidebarOpen]);

  const showView = (next: WorkspaceView) => {
    if (next === 'console') setConsoleSeen(true);
    // The top-bar tab opens the Monitor view as the user left it, not on an earlier alert's window.
    setMonitorFocus(undefined);
    setView(next);
  };

  // "Open in console" on a chat tool card: a new console tab with the card's SQL.
  const [consoleRequest, setConsoleRequest] = useState<ConsoleRequest>();
  useEffect(
    () =>
      onOpenInConsole((sql) => {
        setConsoleRequest((r) => ({ sql, seq: (r?.seq ?? 0) + 1 }));
        setConsoleSeen(true);
        setView('console');
      }),
    [],
  );

  const adminLabel = visibleSections(me).length > 0 ? areaLabel(me) : undefined;
  const current = info.current;
  const writes = current?.writes_allowed === true && current.access === 'read_write';
  return (
    <div className={`workspace ${sidebarOpen ? 'sidebar-open' : ''}`}>
      <TopBar
        info={info}
        view={view}
        onView={showView}
        adminLabel={adminLabel}
        theme={theme}
        onToggleTheme={toggle}
        username={me.user.display_name ?? me.user.username}
        onLogout={me.auth_enabled ? onLogout : undefined}
        sidebarOpen={sidebarOpen}
        onToggleSidebar={() => setSidebarOpen((v) => !v)}
        onError={setNotice}
      />
      <div className="workspace-body">
        <Sidebar
          conversations={conversations}
          activeId={activeId}
          onOpen={(id) => void open(id)}
          onNew={startNew}
          onDeletedActive={startNew}
          onRenamed={(id, title) => session.retitle(id, title)}
        />
        {sidebarOpen ? (
          <button
            type="button"
            className="sidebar-scrim"
            aria-label="Hide conversations"
            onClick={() => setSidebarOpen(false)}
          />
        ) : null}
        <main className="main">
          {notice ? (
            <div className="notice notice-warning banner" role="alert">
              <p>{notice}</p>
              <button type="button" className="button small ghost" onClick={() => setNotice(undefined)}>
                Dismiss
              </button>
            </div>
          ) : null}
          <div className="view" hidden={view !== 'chat'}>
            <ChatView
              session={session}
              mcp={getMcp}
              callTool={callTool}
              settings={{
                ...(info.llm.provider ? { provider: info.llm.provider } : {}),
                ...(info.llm.model ? { model: info.llm.model } : {}),
                ...(info.llm.contextWindow ? { contextWindow: info.llm.contextWindow } : {}),
                ...(current ? { connection: current.name } : {}),
              }}
              {...(info.llm.error ? { llmError: info.llm.error } : {})}
              initialDraft={memory.draft}
              onDraftChange={(draft) => {
                memory.draft = draft;
              }}
              suggestions={current?.name === 'demo' ? DEMO_SUGGESTIONS : GENERIC_SUGGESTIONS}
              onOpenConsole={() => showView('console')}
            />
          </div>
          {consoleSeen ? (
            <div className="view" hidden={view !== 'console'}>
              <Suspense fallback={<p className="muted pad">Loading the console…</p>}>
                <LibraryConsole
                  api={env.api}
                  callTool={callTool}
                  connection={current?.name}
                  writesAllowed={writes}
                  {...(consoleRequest ? { request: consoleRequest } : {})}
                />
              </Suspense>
            </div>
          ) : null}
          {view === 'monitor' ? (
            <div className="view">
              <Suspense fallback={<p className="muted pad">Loading the monitor…</p>}>
                <MonitorArea api={env.api} preferred={current?.name} theme={theme} focus={monitorFocus} />
              </Suspense>
            </div>
          ) : null}
          {view === 'alerts' ? (
            <div className="view">
              <Suspense fallback={<p className="muted pad">Loading the alerts…</p>}>
                <AlertsView
                  api={env.api}
                  connections={info.connections.map((c) => c.name)}
                  onOpenMonitor={(focus) => {
                    setMonitorFocus(focus);
                    setView('monitor');
                  }}
                />
              </Suspense>
            </div>
          ) : null}
          {view === 'admin' && adminLabel ? (
            <div className="view">
              <Suspense fallback={<p className="muted pad">Loading…</p>}>
                <AdminArea api={env.api} me={me} onConnectionsChanged={() => void info.reloadConnections()} />
              </Suspense>
            </div>
          ) : null}
        </main>
      </div>
      <StatusBar info={info} username={me.user.username} />
    </div>
  );
}
