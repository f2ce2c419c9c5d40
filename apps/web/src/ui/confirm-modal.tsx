import type { ReactNode } from 'react';
import { Modal } from './modal.js';

/** Asks before a destructive action; the cancel button (the default) closes, the danger button confirms. */
export function ConfirmModal(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The cancel button's label; "Cancel" unless given. */
  cancelLabel?: string;
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
          {props.cancelLabel ?? 'Cancel'}
        </button>
        <button type="button" className="button danger" onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
