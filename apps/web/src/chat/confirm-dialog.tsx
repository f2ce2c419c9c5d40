import { useStore } from '../store.js';
import { Modal } from '../ui/modal.js';
import { SqlCode } from '../ui/sql-code.js';
import type { ChatSession } from './chat-session.js';

/** Asks before a tool call that may write: shows the statement and the connection; "Don't run" is the default. */
export function ConfirmDialog({ session }: { session: ChatSession }) {
  const pending = useStore(session.store, (s) => s.confirmation);
  if (!pending) return null;
  const args = Object.entries(pending.input).filter(([key]) => key !== 'query' || pending.sql === undefined);
  return (
    <Modal
      title="Allow this change?"
      className="danger"
      onClose={() => pending.answer(false)}
      initialFocus=".decline"
      description={
        <p>
          The assistant wants to run <strong>{pending.toolTitle ?? pending.toolName}</strong>
          {pending.connection ? (
            <>
              {' '}
              on <strong>{pending.connection}</strong>, where writes are enabled
            </>
          ) : null}
          . It may change data. Nothing runs unless you allow it.
        </p>
      }
    >
      {pending.sql ? <SqlCode sql={pending.sql} className="confirm-sql" /> : null}
      {args.length > 0 ? (
        <pre className="code confirm-args">{JSON.stringify(Object.fromEntries(args), null, 2)}</pre>
      ) : null}
      <div className="modal-actions">
        <button type="button" className="button decline" onClick={() => pending.answer(false)}>
          Don’t run
        </button>
        <button type="button" className="button danger" onClick={() => pending.answer(true)}>
          Run it
        </button>
      </div>
    </Modal>
  );
}
