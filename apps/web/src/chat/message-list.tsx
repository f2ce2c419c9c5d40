import { memo, type ReactNode, useCallback, useMemo, useRef } from 'react';
import { Markdown } from '../markdown/markdown.js';
import type { McpSession } from '../mcp/mcp-session.js';
import { useStore } from '../store.js';
import { AlertIcon } from '../ui/icons.js';
import { VirtualList } from '../ui/virtual-list.js';
import type { ChatSession, ToolRuntime } from './chat-session.js';
import { statusOf, ToolCall } from './tool-call.js';
import { toTranscript, type TranscriptItem } from './transcript.js';

interface RowProps {
  item: TranscriptItem;
  runtime: ToolRuntime | undefined;
  callTool: McpSession['callTool'] | undefined;
  open: boolean;
  onToggle: (id: string, open: boolean) => void;
}

/** Whether two renderings of a row show the same thing (rows are rebuilt when a message arrives). */
function sameItem(a: TranscriptItem, b: TranscriptItem): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.key !== b.key) return false;
  if (a.kind === 'tool' && b.kind === 'tool') {
    return a.name === b.name && a.result?.text === b.result?.text && a.result?.isError === b.result?.isError;
  }
  return 'text' in a && 'text' in b && a.text === b.text;
}

/** One row; memoised so that new messages and streamed text do not re-render the rows already shown. */
const Row = memo(
  function Row({ item, runtime, callTool, open, onToggle }: RowProps) {
    switch (item.kind) {
      case 'user':
        return (
          <div className="msg msg-user">
            <div className="bubble">{item.text}</div>
          </div>
        );
      case 'assistant':
        return (
          <div className="msg msg-assistant">
            <Markdown text={item.text} />
          </div>
        );
      case 'tool':
        return (
          <div className="msg msg-tool">
            <ToolCall item={item} runtime={runtime} callTool={callTool} open={open} onToggle={onToggle} />
          </div>
        );
      case 'notice':
        return (
          <div className={`msg notice notice-${item.tone}`} role={item.tone === 'error' ? 'alert' : 'status'}>
            {item.tone !== 'info' ? <AlertIcon /> : null}
            <p>{item.text}</p>
          </div>
        );
    }
  },
  (a, b) =>
    sameItem(a.item, b.item) &&
    a.runtime === b.runtime &&
    a.callTool === b.callTool &&
    a.open === b.open &&
    a.onToggle === b.onToggle,
);

/** The answer being streamed, and what the assistant is doing meanwhile. Only this re-renders per frame. */
function Streaming({ session }: { session: ChatSession }) {
  const text = useStore(session.store, (s) => s.streamingText);
  const running = useStore(session.store, (s) => s.running);
  const runtime = useStore(session.store, (s) => s.toolRuntime);
  if (!running) return null;
  const busy = Object.values(runtime).some((r) => r.status === 'running' || r.status === 'pending');
  return (
    <div className="msg msg-assistant streaming" aria-busy="true">
      {text ? <Markdown text={text} /> : null}
      <p className="typing">
        <span className="dots" aria-hidden="true">
          <i />
          <i />
          <i />
        </span>
        {text ? null : busy ? 'Running the tools…' : 'Thinking…'}
      </p>
    </div>
  );
}

function estimate(item: TranscriptItem): number {
  switch (item.kind) {
    case 'user':
      return 56 + Math.ceil(item.text.length / 80) * 22;
    case 'assistant':
      return 32 + Math.ceil(item.text.length / 90) * 24;
    case 'tool':
      return 52;
    case 'notice':
      return 64;
  }
}

const keyOf = (item: TranscriptItem) => item.key;

/** Props of {@link MessageList}. */
export interface MessageListProps {
  session: ChatSession;
  callTool: McpSession['callTool'] | undefined;
  /** Shown when the conversation is empty. */
  empty: ReactNode;
}

/** The conversation, virtualised: a chat of thousands of messages keeps only the visible rows in the DOM. */
export function MessageList({ session, callTool, empty }: MessageListProps) {
  const messages = useStore(session.store, (s) => s.messages);
  const notices = useStore(session.store, (s) => s.notices);
  const runtime = useStore(session.store, (s) => s.toolRuntime);
  const conversationId = useStore(session.store, (s) => s.conversationId);
  const items = useMemo(() => toTranscript(messages, notices), [messages, notices]);
  const openState = useRef(new Map<string, boolean>());
  const onToggle = useCallback((id: string, open: boolean) => {
    openState.current.set(id, open);
  }, []);

  const render = useCallback(
    (item: TranscriptItem) => {
      const toolRuntime = item.kind === 'tool' ? runtime[item.id] : undefined;
      let open = false;
      if (item.kind === 'tool') {
        const status = statusOf(item, toolRuntime);
        open = openState.current.get(item.id) ?? (item.name === 'query_database' || status === 'error');
      }
      return <Row item={item} runtime={toolRuntime} callTool={callTool} open={open} onToggle={onToggle} />;
    },
    [runtime, callTool, onToggle],
  );

  return (
    <VirtualList
      items={items}
      getKey={keyOf}
      estimateHeight={estimate}
      renderItem={render}
      // An empty chat shows its welcome from the top; a conversation stays at its newest message.
      followOutput={items.length > 0}
      resetKey={conversationId ?? `new-${messages.length === 0 ? 'empty' : 'chat'}`}
      className="message-list"
      innerClassName="message-list-inner"
      role="log"
      aria-label="Conversation"
      header={items.length === 0 ? empty : null}
      footer={<Streaming session={session} />}
    />
  );
}
