import { type Completion, completeFromList } from '@codemirror/autocomplete';
import { PostgreSQL, type SQLNamespace, sql } from '@codemirror/lang-sql';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { basicSetup } from 'codemirror';
import { type Ref, useEffect, useImperativeHandle, useRef } from 'react';
import { sqlToRun } from './statements.js';

/** What the console can ask of the editor. */
export interface SqlEditorHandle {
  /** The selection, or the statement under the cursor. */
  target: () => string;
  /** Puts text at the cursor (replacing the selection) and focuses the editor. */
  insert: (text: string) => void;
  /** Replaces the whole buffer. */
  replace: (text: string) => void;
  /** Formats the selection, or the whole buffer, with sql-formatter (loaded on first use). */
  format: () => Promise<void>;
  focus: () => void;
}

/** The catalog the completion offers: schema → table → columns, plus function names. */
export interface SqlCatalog {
  namespace: SQLNamespace;
  functions: readonly string[];
}

/** Props of {@link SqlEditor}. */
export interface SqlEditorProps {
  value: string;
  onChange: (value: string) => void;
  onRun: (sql: string) => void;
  onExplain: (sql: string) => void;
  catalog: SqlCatalog | undefined;
  label: string;
  ref?: Ref<SqlEditorHandle>;
}

const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.modifier], color: 'var(--tok-keyword)' },
  {
    tag: [tags.function(tags.variableName), tags.standard(tags.name), tags.typeName],
    color: 'var(--tok-function)',
  },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--tok-string)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--tok-number)' },
  {
    tag: [tags.comment, tags.lineComment, tags.blockComment],
    color: 'var(--tok-comment)',
    fontStyle: 'italic',
  },
  { tag: tags.special(tags.name), color: 'var(--tok-quoted)' },
  { tag: tags.operator, color: 'var(--tok-operator)' },
]);

const theme = EditorView.theme({
  '&': { height: '100%', fontSize: '14px', backgroundColor: 'var(--surface)', color: 'var(--text)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-gutters': {
    backgroundColor: 'var(--surface-2)',
    color: 'var(--muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent-soft) 45%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--surface-3)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'color-mix(in srgb, var(--accent) 30%, transparent) !important',
  },
  '.cm-tooltip': {
    backgroundColor: 'var(--surface)',
    border: '1px solid var(--border-strong)',
    color: 'var(--text)',
  },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
    backgroundColor: 'var(--accent)',
    color: 'var(--accent-fg)',
  },
  '.cm-placeholder': { color: 'var(--muted)' },
});

function languageFor(catalog: SqlCatalog | undefined) {
  const functions: Completion[] = (catalog?.functions ?? []).map((name) => ({
    label: name,
    type: 'function',
  }));
  return [
    sql({
      dialect: PostgreSQL,
      schema: catalog?.namespace ?? {},
      defaultSchema: 'public',
      upperCaseKeywords: true,
    }),
    PostgreSQL.language.data.of({ autocomplete: completeFromList(functions) }),
  ];
}

/** CodeMirror 6 with PostgreSQL highlighting and completion from the connection's catalog. */
export function SqlEditor({ value, onChange, onRun, onExplain, catalog, label, ref }: SqlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(undefined);
  const language = useRef(new Compartment());
  const callbacks = useRef({ onChange, onRun, onExplain });
  callbacks.current = { onChange, onRun, onExplain };

  const target = () => {
    const v = view.current;
    if (!v) return '';
    const { from, to } = v.state.selection.main;
    return sqlToRun(v.state.doc.toString(), { from, to });
  };

  useEffect(() => {
    const run = (explain: boolean) => () => {
      const sqlText = target();
      if (sqlText) (explain ? callbacks.current.onExplain : callbacks.current.onRun)(sqlText);
      return true;
    };
    // CodeMirror adds its styles at run time; in a shadow root they go through adoptedStyleSheets,
    // which the page's CSP (style-src 'self') allows, where a <style> element in <head> is blocked.
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: 'open' });
    const parent = document.createElement('div');
    parent.style.height = '100%';
    shadow.replaceChildren(parent);
    const editor = new EditorView({
      parent,
      root: shadow,
      state: EditorState.create({
        doc: value,
        extensions: [
          Prec.highest(
            keymap.of([
              { key: 'Mod-Enter', run: run(false) },
              { key: 'Shift-Mod-Enter', run: run(true) },
            ]),
          ),
          basicSetup,
          language.current.of(languageFor(catalog)),
          syntaxHighlighting(highlight),
          theme,
          placeholder('SELECT * FROM sales.orders ORDER BY ordered_at DESC'),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // The editor is created once; value and catalog changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A different tab (or a buffer set from outside) replaces the text.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: language.current.reconfigure(languageFor(catalog)) });
  }, [catalog]);

  useImperativeHandle(ref, () => ({
    target,
    insert: (text) => {
      const v = view.current;
      if (!v) return;
      v.dispatch(v.state.replaceSelection(text));
      v.focus();
    },
    replace: (text) => {
      const v = view.current;
      if (!v) return;
      v.dispatch({
        changes: { from: 0, to: v.state.doc.length, insert: text },
        selection: { anchor: text.length },
      });
      v.focus();
    },
    format: async () => {
      const v = view.current;
      if (!v) return;
      const { format } = await import('sql-formatter');
      const { from, to } = v.state.selection.main;
      const whole = from === to;
      const range = whole ? { from: 0, to: v.state.doc.length } : { from, to };
      const formatted = format(v.state.sliceDoc(range.from, range.to), {
        language: 'postgresql',
        keywordCase: 'upper',
      });
      v.dispatch({ changes: { ...range, insert: formatted } });
    },
    focus: () => view.current?.focus(),
  }));

  return <div ref={host} className="code-editor" data-testid="sql-editor" />;
}
