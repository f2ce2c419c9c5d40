import { useEffect, useId, useState } from 'react';
import { errorMessage } from '../api/error-message.js';
import type { McpSession, PromptInfo } from '../mcp/mcp-session.js';
import { Modal } from '../ui/modal.js';

/** Props of {@link PromptsDialog}. */
export interface PromptsDialogProps {
  mcp: () => Promise<McpSession>;
  onClose: () => void;
  /** Runs the filled-in prompt as the user's next message. */
  onRun: (text: string) => void;
  /** Why the chat cannot answer now (no LLM provider): "Run in chat" is off and says so. */
  unavailable?: string;
}

/** The MCP server's prompts: pick one, fill in its arguments, run it in the chat. */
export function PromptsDialog({ mcp, onClose, onRun, unavailable }: PromptsDialogProps) {
  const [prompts, setPrompts] = useState<PromptInfo[]>();
  const [selected, setSelected] = useState<PromptInfo>();
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const formId = useId();

  useEffect(() => {
    let live = true;
    mcp()
      .then((session) => session.listPrompts())
      .then((list) => live && setPrompts(list))
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [mcp]);

  const run = async () => {
    if (!selected || unavailable !== undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      const args = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
      const text = await (await mcp()).getPrompt(selected.name, args);
      onRun(text);
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={selected ? (selected.title ?? selected.name) : 'Prompts'}
      onClose={onClose}
      className="wide"
    >
      {!selected ? (
        <>
          <p className="modal-description">Ready-made requests from the pgmcp server. Pick one to fill in.</p>
          {prompts === undefined && !error ? <p className="muted">Loading…</p> : null}
          {prompts?.length === 0 ? <p className="muted">This server offers no prompts to you.</p> : null}
          <ul className="prompt-list">
            {prompts?.map((prompt) => (
              <li key={prompt.name}>
                <button
                  type="button"
                  className="prompt-choice"
                  onClick={() => {
                    setSelected(prompt);
                    setValues({});
                  }}
                >
                  <span className="prompt-name">{prompt.title ?? prompt.name}</span>
                  {prompt.description ? (
                    <span className="prompt-description">{prompt.description}</span>
                  ) : null}
                </button>
              </li>
            ))}
          </ul>
          <div className="modal-actions">
            <button type="button" className="button" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      ) : (
        <form
          id={formId}
          className="prompt-form"
          onSubmit={(event) => {
            event.preventDefault();
            void run();
          }}
        >
          {selected.description ? <p className="modal-description">{selected.description}</p> : null}
          {selected.arguments.length === 0 ? <p className="muted">This prompt needs no input.</p> : null}
          {selected.arguments.map((argument) => (
            <label key={argument.name} className="field">
              <span className="field-label">
                {argument.name.replace(/_/g, ' ')}
                {argument.required ? <span className="required"> (required)</span> : null}
              </span>
              {argument.description ? <span className="field-hint">{argument.description}</span> : null}
              <textarea
                rows={2}
                required={argument.required}
                value={values[argument.name] ?? ''}
                onChange={(event) => setValues((v) => ({ ...v, [argument.name]: event.target.value }))}
              />
            </label>
          ))}
          <div className="modal-actions">
            <button type="button" className="button" onClick={() => setSelected(undefined)}>
              Back
            </button>
            <button
              type="submit"
              className="button primary"
              disabled={busy || unavailable !== undefined}
              {...(unavailable !== undefined ? { 'aria-describedby': `${formId}-unavailable` } : {})}
            >
              {busy ? 'Preparing…' : 'Run in chat'}
            </button>
          </div>
          {unavailable !== undefined ? (
            <p id={`${formId}-unavailable`} className="field-hint">
              The chat cannot run prompts now: {unavailable}
            </p>
          ) : null}
        </form>
      )}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </Modal>
  );
}
