import { type KeyboardEvent, useImperativeHandle, useRef } from 'react';
import type { SqlEditorProps } from './sql-editor.js';
import { sqlToRun } from './statements.js';

/**
 * A textarea with the editor's keys and handle: shown while CodeMirror loads, and used by
 * component tests (jsdom cannot lay CodeMirror out).
 */
export function PlainEditor({ value, onChange, onRun, onExplain, label, ref }: SqlEditorProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  const target = () => {
    const a = area.current;
    return a ? sqlToRun(a.value, { from: a.selectionStart, to: a.selectionEnd }) : '';
  };
  const splice = (text: string, whole: boolean) => {
    const a = area.current;
    if (!a) return;
    const next = whole ? text : a.value.slice(0, a.selectionStart) + text + a.value.slice(a.selectionEnd);
    onChange(next);
    a.focus();
  };
  useImperativeHandle(ref, () => ({
    target,
    insert: (text) => splice(text, false),
    replace: (text) => splice(text, true),
    format: async () => {
      const { format } = await import('sql-formatter');
      onChange(format(area.current?.value ?? value, { language: 'postgresql', keywordCase: 'upper' }));
    },
    focus: () => area.current?.focus(),
  }));
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      const sql = target();
      if (sql) (event.shiftKey ? onExplain : onRun)(sql);
    }
  };
  return (
    <textarea
      ref={area}
      className="sql-editor"
      aria-label={label}
      spellCheck={false}
      value={value}
      placeholder="SELECT * FROM sales.orders ORDER BY ordered_at DESC"
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={onKeyDown}
    />
  );
}
