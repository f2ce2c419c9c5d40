import type { Usage } from '@pgmcp/api-contract';
import { useEffect, useState } from 'react';
import type { McpSession } from '../mcp/mcp-session.js';
import { useStore } from '../store.js';
import { AlertIcon, DownloadIcon, GaugeIcon, SparkIcon, TerminalIcon } from '../ui/icons.js';
import type { ChatSession, TurnSettings } from './chat-session.js';
import { Composer } from './composer.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { conversationToMarkdown, downloadText, exportFileName } from './export-markdown.js';
import { MessageList } from './message-list.js';
import { PromptsDialog } from './prompts-dialog.js';
import { lastUserText } from './transcript.js';

/** Props of {@link ChatView}. */
export interface ChatViewProps {
  session: ChatSession;
  mcp: () => Promise<McpSession>;
  callTool: McpSession['callTool'];
  settings: TurnSettings;
  /** The server's message when no LLM provider is configured; the chat shows it as is. */
  llmError?: string;
  initialDraft: string;
  onDraftChange: (draft: string) => void;
  suggestions: readonly string[];
  onOpenConsole: () => void;
}

function tokens(usage: Usage | undefined): string {
  if (!usage) return '—';
  const cached = usage.cache_read_tokens ? `, ${usage.cache_read_tokens.toLocaleString()} cached` : '';
  return `${usage.input_tokens.toLocaleString()} in · ${usage.output_tokens.toLocaleString()} out${cached}`;
}

function UsagePanel({ session }: { session: ChatSession }) {
  const usage = useStore(session.store, (s) => s.usage);
  return (
    <div className="usage-panel" role="status">
      <div>
        <span className="muted">Last answer</span> {tokens(usage.lastTurn)}
      </div>
      <div>
        <span className="muted">
          Since opened ({usage.turns} {usage.turns === 1 ? 'turn' : 'turns'})
        </span>{' '}
        {tokens(usage.turns > 0 ? usage.total : undefined)}
      </div>
    </div>
  );
}

function EmptyState({
  suggestions,
  onPick,
  llmError,
  onOpenConsole,
}: {
  suggestions: readonly string[];
  onPick: (text: string) => void;
  llmError: string | undefined;
  onOpenConsole: () => void;
}) {
  return (
    <div className="empty-chat">
      <h2>Ask your database</h2>
      <p className="muted">
        The assistant looks at the schema, writes SQL, runs it read-only and answers from the real rows. Every
        query it runs is shown below its answer.
      </p>
      {llmError ? null : (
        <ul className="suggestions" aria-label="Example questions">
          {suggestions.map((text) => (
            <li key={text}>
              <button type="button" className="suggestion" onClick={() => onPick(text)}>
                {text}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">
        No LLM at hand? The{' '}
        <button type="button" className="link-button" onClick={onOpenConsole}>
          SQL console
        </button>{' '}
        runs queries directly.
      </p>
    </div>
  );
}

/** The chat: conversation, composer, tool-call confirmation, prompts, token usage and export. */
export function ChatView(props: ChatViewProps) {
  const { session, settings, llmError } = props;
  const running = useStore(session.store, (s) => s.running);
  const messages = useStore(session.store, (s) => s.messages);
  const title = useStore(session.store, (s) => s.title);
  const conversationId = useStore(session.store, (s) => s.conversationId);
  const [showUsage, setShowUsage] = useState(false);
  const [showPrompts, setShowPrompts] = useState(false);

  // Esc stops the answer wherever the focus is (dialogs handle their own Esc first).
  useEffect(() => {
    if (!running) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) session.stop();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [running, session]);

  const send = (text: string) => void session.send(text, settings);

  return (
    <section className="chat" aria-label="Chat">
      <header className="chat-header">
        <h1 className="chat-title" title={title}>
          {title ?? 'New conversation'}
        </h1>
        <div className="chat-actions">
          <button
            type="button"
            className="button ghost small"
            aria-label="Prompts"
            onClick={() => setShowPrompts(true)}
          >
            <SparkIcon /> <span className="button-label">Prompts</span>
          </button>
          <button
            type="button"
            className="button ghost small"
            aria-label="Usage"
            aria-expanded={showUsage}
            onClick={() => setShowUsage((v) => !v)}
          >
            <GaugeIcon /> <span className="button-label">Usage</span>
          </button>
          <button
            type="button"
            className="button ghost small"
            aria-label="Export as Markdown"
            disabled={messages.length === 0}
            onClick={() =>
              downloadText(
                exportFileName(title ?? 'conversation'),
                conversationToMarkdown(title ?? 'Conversation', messages, {
                  ...(settings.model ? { model: settings.model } : {}),
                  ...(settings.connection ? { connection: settings.connection } : {}),
                }),
              )
            }
          >
            <DownloadIcon /> <span className="button-label">Export</span>
          </button>
        </div>
        {showUsage ? <UsagePanel session={session} /> : null}
      </header>
      {llmError ? (
        <div className="notice notice-error llm-missing" role="alert">
          <AlertIcon />
          <div>
            <p>{llmError}</p>
            <p className="small">
              The{' '}
              <button type="button" className="link-button" onClick={props.onOpenConsole}>
                <TerminalIcon /> SQL console
              </button>{' '}
              works without an LLM.
            </p>
          </div>
        </div>
      ) : null}
      <MessageList
        session={session}
        callTool={props.callTool}
        empty={
          <EmptyState
            suggestions={props.suggestions}
            onPick={send}
            llmError={llmError}
            onOpenConsole={props.onOpenConsole}
          />
        }
      />
      <Composer
        initialDraft={props.initialDraft}
        onDraftChange={props.onDraftChange}
        onSend={send}
        onStop={() => session.stop()}
        running={running}
        lastMessage={lastUserText(messages)}
        focusKey={conversationId ?? 'new'}
        // Without a provider every turn would fail the same way; the banner above says what to set.
        disabled={llmError !== undefined}
        {...(llmError
          ? { placeholder: 'The chat needs an LLM provider (see above). The SQL console works without one.' }
          : {})}
      />
      <ConfirmDialog session={session} />
      {showPrompts ? (
        <PromptsDialog
          mcp={props.mcp}
          onClose={() => setShowPrompts(false)}
          onRun={send}
          {...(llmError !== undefined ? { unavailable: llmError } : {})}
        />
      ) : null}
    </section>
  );
}
