import { type KeyboardEvent, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { SendIcon, StopIcon } from '../ui/icons.js';

/** Props of {@link Composer}. */
export interface ComposerProps {
  /** The text to start with (a draft kept across a re-login). */
  initialDraft: string;
  /** Every change, so the draft survives the composer being unmounted. */
  onDraftChange: (draft: string) => void;
  onSend: (text: string) => void;
  onStop: () => void;
  running: boolean;
  /** The last message the user sent, for ↑. */
  lastMessage: string | undefined;
  disabled?: boolean;
  placeholder?: string;
  /** Incremented to put the focus into the text box (after a conversation is opened). */
  focusKey?: string;
}

const MAX_HEIGHT = 240;

/**
 * The message box. Enter sends, Shift+Enter starts a new line, ↑ in an empty box recalls the last
 * message, Esc stops a running answer.
 */
export function Composer(props: ComposerProps) {
  const { onDraftChange, onSend, onStop, running, lastMessage } = props;
  const [text, setText] = useState(props.initialDraft);
  const box = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();

  const update = (value: string) => {
    setText(value);
    onDraftChange(value);
  };

  // Grow with the text up to a limit, then scroll.
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(MAX_HEIGHT, element.scrollHeight)}px`;
  }, [text]);

  useEffect(() => {
    box.current?.focus();
  }, [props.focusKey]);

  const send = () => {
    if (running || props.disabled || text.trim() === '') return;
    onSend(text);
    update('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      send();
    } else if (event.key === 'ArrowUp' && text === '' && lastMessage) {
      event.preventDefault();
      update(lastMessage);
    } else if (event.key === 'Escape' && running) {
      event.preventDefault();
      onStop();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label className="visually-hidden" htmlFor={`${hintId}-input`}>
        Message
      </label>
      <textarea
        id={`${hintId}-input`}
        ref={box}
        rows={1}
        value={text}
        placeholder={props.placeholder ?? 'Ask about your data…'}
        aria-describedby={hintId}
        disabled={props.disabled}
        onChange={(event) => update(event.target.value)}
        onKeyDown={onKeyDown}
      />
      {running ? (
        <button
          type="button"
          className="send-button stop"
          onClick={onStop}
          aria-label="Stop the answer (Esc)"
        >
          <StopIcon />
        </button>
      ) : (
        <button
          type="submit"
          className="send-button"
          aria-label="Send (Enter)"
          disabled={props.disabled || text.trim() === ''}
        >
          <SendIcon />
        </button>
      )}
      <p id={hintId} className="composer-hint">
        <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line · <kbd>↑</kbd> last message
        {running ? (
          <>
            {' '}
            · <kbd>Esc</kbd> stop
          </>
        ) : null}
      </p>
    </form>
  );
}
