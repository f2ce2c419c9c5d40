import type { ConversationSummary } from '@pgmcp/api-contract';
import { useEffect, useState } from 'react';
import { errorMessage } from '../api/error-message.js';
import { PencilIcon, PlusIcon, TrashIcon } from '../ui/icons.js';
import { Modal } from '../ui/modal.js';
import { relativeTime } from '../ui/relative-time.js';
import type { ConversationsState } from './use-conversations.js';

/** Props of {@link Sidebar}. */
export interface SidebarProps {
  conversations: ConversationsState;
  activeId: string | undefined;
  onOpen: (id: string) => void;
  onNew: () => void;
  /** Called after the active conversation was deleted. */
  onDeletedActive: () => void;
  /** Called after a conversation was renamed. */
  onRenamed?: (id: string, title: string) => void;
}

/** A minute-tick so relative times ("5 minutes ago") stay true while the page is open. */
function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function Item({
  conversation,
  active,
  now,
  onOpen,
  onRename,
  onDelete,
}: {
  conversation: ConversationSummary;
  active: boolean;
  now: number;
  onOpen: () => void;
  onRename: (title: string) => Promise<void>;
  onDelete: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(conversation.title);
  const [error, setError] = useState<string>();

  if (editing) {
    return (
      <li className="conv-item editing">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const next = title.trim();
            if (next === '' || next === conversation.title) {
              setEditing(false);
              return;
            }
            onRename(next).then(
              () => setEditing(false),
              (e: unknown) => setError(errorMessage(e)),
            );
          }}
        >
          <label className="visually-hidden" htmlFor={`rename-${conversation.id}`}>
            New title
          </label>
          <input
            id={`rename-${conversation.id}`}
            autoFocus
            value={title}
            maxLength={200}
            onChange={(event) => setTitle(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.preventDefault();
                event.stopPropagation();
                setTitle(conversation.title);
                setEditing(false);
              }
            }}
          />
          <button type="submit" className="button small primary">
            Save
          </button>
        </form>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </li>
    );
  }
  return (
    <li className={`conv-item ${active ? 'active' : ''}`}>
      <button
        type="button"
        className="conv-open"
        onClick={onOpen}
        aria-current={active ? 'true' : undefined}
        title={conversation.title}
      >
        <span className="conv-title">{conversation.title}</span>
        <span className="conv-preview">{conversation.preview}</span>
        <time className="conv-time" dateTime={conversation.updated_at}>
          {relativeTime(conversation.updated_at, now)}
        </time>
      </button>
      <span className="conv-actions">
        <button
          type="button"
          className="icon-button small"
          aria-label={`Rename “${conversation.title}”`}
          title="Rename"
          onClick={() => {
            setTitle(conversation.title);
            setEditing(true);
          }}
        >
          <PencilIcon />
        </button>
        <button
          type="button"
          className="icon-button small"
          aria-label={`Delete “${conversation.title}”`}
          title="Delete"
          onClick={onDelete}
        >
          <TrashIcon />
        </button>
      </span>
    </li>
  );
}

/** Stored conversations: open, rename, delete, delete all, start a new one. */
export function Sidebar({
  conversations,
  activeId,
  onOpen,
  onNew,
  onDeletedActive,
  onRenamed,
}: SidebarProps) {
  const now = useNow();
  const [confirm, setConfirm] = useState<{ id: string; title: string } | 'all'>();
  const [error, setError] = useState<string>();

  const doDelete = async () => {
    const target = confirm;
    setConfirm(undefined);
    try {
      if (target === 'all') {
        await conversations.removeAll();
        onDeletedActive();
      } else if (target) {
        await conversations.remove(target.id);
        if (target.id === activeId) onDeletedActive();
      }
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <nav className="sidebar" aria-label="Conversations">
      <button type="button" className="button primary new-chat" onClick={onNew}>
        <PlusIcon /> New chat
      </button>
      <h2 className="sidebar-heading">Conversations</h2>
      {conversations.loading ? <p className="muted small pad">Loading…</p> : null}
      {!conversations.loading && conversations.items.length === 0 ? (
        <p className="muted small pad">Your conversations appear here after the first answer.</p>
      ) : null}
      <ul className="conv-list">
        {conversations.items.map((conversation) => (
          <Item
            key={conversation.id}
            conversation={conversation}
            active={conversation.id === activeId}
            now={now}
            onOpen={() => onOpen(conversation.id)}
            onRename={async (title) => {
              await conversations.rename(conversation.id, title);
              onRenamed?.(conversation.id, title);
            }}
            onDelete={() => setConfirm({ id: conversation.id, title: conversation.title })}
          />
        ))}
      </ul>
      {conversations.hasMore ? (
        <button type="button" className="button ghost small" onClick={() => void conversations.loadMore()}>
          Show older
        </button>
      ) : null}
      {error || conversations.error ? (
        <p className="form-error pad" role="alert">
          {error ?? conversations.error}
        </p>
      ) : null}
      {conversations.items.length > 0 ? (
        <button
          type="button"
          className="button ghost small danger-text delete-all"
          onClick={() => setConfirm('all')}
        >
          <TrashIcon /> Delete all
        </button>
      ) : null}
      {confirm ? (
        <Modal
          title={confirm === 'all' ? 'Delete all conversations?' : 'Delete this conversation?'}
          onClose={() => setConfirm(undefined)}
          initialFocus=".cancel"
          description={
            <p>
              {confirm === 'all'
                ? `All ${conversations.items.length}${conversations.hasMore ? '+' : ''} conversations are deleted for good.`
                : `“${confirm.title}” is deleted for good.`}
            </p>
          }
        >
          <div className="modal-actions">
            <button type="button" className="button cancel" onClick={() => setConfirm(undefined)}>
              Cancel
            </button>
            <button type="button" className="button danger" onClick={() => void doDelete()}>
              Delete
            </button>
          </div>
        </Modal>
      ) : null}
    </nav>
  );
}
