import { Lexer, type Token, type Tokens } from 'marked';
import { memo, type ReactNode, useMemo } from 'react';
import { SqlCode } from '../ui/sql-code.js';
import { looksLikeSql } from '../ui/sql-tokens.js';
import { CopyButton } from '../ui/copy-button.js';

// Markdown is turned into React elements token by token: model output never becomes HTML, so
// nothing it writes can run script or load anything (the CSP would refuse it anyway).

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  nbsp: '\u00a0',
};

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name] ?? _);
}

/** Only links a user can follow safely; anything else (javascript:, data:) is shown as text. */
function safeHref(href: string): string | undefined {
  return /^(https?:|mailto:)/i.test(href.trim()) ? href.trim() : undefined;
}

const SQL_LANGS = new Set(['sql', 'postgres', 'postgresql', 'psql', 'pgsql', 'plpgsql']);

function inline(tokens: readonly Token[] | undefined, key: string): ReactNode[] {
  return (tokens ?? []).map((token, i) => inlineToken(token as Tokens.Generic, `${key}.${i}`));
}

function inlineToken(token: Tokens.Generic, key: string): ReactNode {
  switch (token.type) {
    case 'text': {
      const t = token as Tokens.Text;
      return t.tokens ? <span key={key}>{inline(t.tokens, key)}</span> : decodeEntities(t.text);
    }
    case 'escape':
      return decodeEntities((token as Tokens.Escape).text);
    case 'strong':
      return <strong key={key}>{inline((token as Tokens.Strong).tokens, key)}</strong>;
    case 'em':
      return <em key={key}>{inline((token as Tokens.Em).tokens, key)}</em>;
    case 'del':
      return <del key={key}>{inline((token as Tokens.Del).tokens, key)}</del>;
    case 'codespan':
      return <code key={key}>{decodeEntities((token as Tokens.Codespan).text)}</code>;
    case 'br':
      return <br key={key} />;
    case 'link': {
      const link = token as Tokens.Link;
      const href = safeHref(link.href);
      const children = inline(link.tokens, key);
      return href ? (
        <a key={key} href={href} target="_blank" rel="noreferrer noopener">
          {children}
        </a>
      ) : (
        <span key={key}>{children}</span>
      );
    }
    case 'image': {
      // Remote images are not loaded (privacy, CSP); the alt text stands in, linked when safe.
      const image = token as Tokens.Image;
      const href = safeHref(image.href);
      const label = `[image: ${image.text || image.href}]`;
      return href ? (
        <a key={key} href={href} target="_blank" rel="noreferrer noopener">
          {label}
        </a>
      ) : (
        label
      );
    }
    case 'checkbox':
      return (
        <input key={key} type="checkbox" checked={(token as Tokens.Checkbox).checked} readOnly disabled />
      );
    case 'html':
      return (token as Tokens.HTML).text;
    default:
      return token.raw;
  }
}

function CodeBlock({ code, lang }: { code: string; lang: string | undefined }) {
  const isSql = lang ? SQL_LANGS.has(lang.toLowerCase()) : looksLikeSql(code);
  return (
    <div className="md-code">
      <div className="md-code-bar">
        <span>{isSql ? 'SQL' : lang || 'text'}</span>
        <CopyButton text={code} label="Copy code" />
      </div>
      {isSql ? (
        <SqlCode sql={code} />
      ) : (
        <pre className="code">
          <code>{code}</code>
        </pre>
      )}
    </div>
  );
}

function block(token: Tokens.Generic, key: string): ReactNode {
  switch (token.type) {
    case 'space':
    case 'def':
      return null;
    case 'paragraph':
      return <p key={key}>{inline((token as Tokens.Paragraph).tokens, key)}</p>;
    case 'heading': {
      const heading = token as Tokens.Heading;
      // Headings in an answer are sub-sections of the page: h3 at most, so the document outline holds.
      const level = Math.min(6, heading.depth + 2);
      const Tag = `h${level}` as 'h3' | 'h4' | 'h5' | 'h6';
      return <Tag key={key}>{inline(heading.tokens, key)}</Tag>;
    }
    case 'code': {
      const code = token as Tokens.Code;
      return <CodeBlock key={key} code={code.text} lang={code.lang} />;
    }
    case 'blockquote':
      return <blockquote key={key}>{blocks((token as Tokens.Blockquote).tokens, key)}</blockquote>;
    case 'hr':
      return <hr key={key} />;
    case 'list': {
      const list = token as Tokens.List;
      const items = list.items.map((item, i) => (
        <li key={`${key}.${i}`}>
          {item.loose
            ? blocks(item.tokens, `${key}.${i}`)
            : item.tokens.map((t, j) =>
                t.type === 'text' || t.type === 'checkbox'
                  ? inlineToken(t as Tokens.Generic, `${key}.${i}.${j}`)
                  : block(t as Tokens.Generic, `${key}.${i}.${j}`),
              )}
        </li>
      ));
      return list.ordered ? (
        <ol key={key} start={list.start === '' || list.start === 1 ? undefined : list.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case 'table': {
      const table = token as Tokens.Table;
      const align = (a: string | null) => (a ? `align-${a}` : undefined);
      return (
        <div key={key} className="md-table">
          <table>
            <thead>
              <tr>
                {table.header.map((cell, i) => (
                  <th key={i} className={align(cell.align)}>
                    {inline(cell.tokens, `${key}.h${i}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, i) => (
                    <td key={i} className={align(cell.align)}>
                      {inline(cell.tokens, `${key}.${r}.${i}`)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    }
    case 'html':
      return (
        <p key={key} className="md-html">
          {(token as Tokens.HTML).text}
        </p>
      );
    case 'text': {
      const text = token as Tokens.Text;
      return <p key={key}>{text.tokens ? inline(text.tokens, key) : decodeEntities(text.text)}</p>;
    }
    default:
      return <p key={key}>{token.raw}</p>;
  }
}

function blocks(tokens: readonly Token[], key: string): ReactNode[] {
  return tokens.map((token, i) => block(token as Tokens.Generic, `${key}.${i}`));
}

/** Markdown (GFM: tables, task lists, fenced code with SQL highlighting) rendered as React elements. */
export const MarkdownView = memo(function MarkdownView({ text }: { text: string }) {
  const tokens = useMemo(() => Lexer.lex(text, { gfm: true, breaks: false }), [text]);
  return <div className="markdown">{blocks(tokens, 'md')}</div>;
});
