import { type ReactNode, useEffect, useId, useRef } from 'react';

/** Props of {@link Modal}. */
export interface ModalProps {
  title: string;
  /** Esc and a click on the backdrop call it. */
  onClose: () => void;
  children: ReactNode;
  /** Extra class on the dialog box, e.g. `danger`. */
  className?: string;
  /** A selector inside the dialog to focus first (default: the first focusable element). */
  initialFocus?: string;
  description?: ReactNode;
}

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** A modal dialog: focus moves in, Tab stays inside, Esc closes, and focus returns where it was. */
export function Modal({ title, onClose, children, className, initialFocus, description }: ModalProps) {
  const box = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const element = box.current;
    const first =
      (initialFocus ? element?.querySelector<HTMLElement>(initialFocus) : null) ??
      element?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        close.current();
      } else if (event.key === 'Tab' && element) {
        const items = [...element.querySelectorAll<HTMLElement>(FOCUSABLE)];
        if (items.length === 0) return;
        const [head, tail] = [items[0]!, items[items.length - 1]!];
        if (event.shiftKey && document.activeElement === head) {
          event.preventDefault();
          tail.focus();
        } else if (!event.shiftKey && document.activeElement === tail) {
          event.preventDefault();
          head.focus();
        }
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      previous?.focus?.();
    };
  }, [initialFocus]);

  return (
    <div
      className="modal-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={box}
        className={`modal ${className ?? ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
      >
        <h2 id={titleId} className="modal-title">
          {title}
        </h2>
        {description ? (
          <div id={descriptionId} className="modal-description">
            {description}
          </div>
        ) : null}
        {children}
      </div>
    </div>
  );
}
