import type { ReactNode } from 'react';
import { Modal } from '../ui/modal.js';

/** The server's message for a form or list, announced to screen readers. */
export function ErrorNotice({ error }: { error: string | undefined }) {
  return error ? (
    <p className="notice notice-error" role="alert">
      {error}
    </p>
  ) : null;
}

/** Asks before a destructive action; "Keep" (the default) closes, the danger button confirms. */
export function ConfirmModal(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Modal
      title={props.title}
      className="danger"
      onClose={props.onClose}
      initialFocus=".decline"
      description={props.children}
    >
      <div className="modal-actions">
        <button type="button" className="button decline" onClick={props.onClose}>
          Cancel
        </button>
        <button type="button" className="button danger" onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
