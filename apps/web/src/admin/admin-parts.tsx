export { ConfirmModal } from '../ui/confirm-modal.js';

/** The server's message for a form or list, announced to screen readers. */
export function ErrorNotice({ error }: { error: string | undefined }) {
  return error ? (
    <p className="notice notice-error" role="alert">
      {error}
    </p>
  ) : null;
}
