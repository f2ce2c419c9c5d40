import type { Style } from './ansi.js';

/** Where a multi-line SQL text stands at the end of a line: inside a comment, string or dollar quote. */
export interface SqlHighlightState {
  mode: 'code' | 'block_comment' | 'string' | 'quoted_identifier' | 'dollar';
  /** The `$tag$` that closes a dollar-quoted string. */
  dollarTag?: string;
  /** Nesting depth of block comments (PostgreSQL nests them). */
  commentDepth?: number;
}

const KEYWORDS = new Set(
  `abort add all alter analyze and any array as asc begin between both by call cascade case cast check
  collate column comment commit concurrently constraint copy create cross cube current_date current_time
  current_timestamp current_user cycle database deallocate declare default deferrable delete desc distinct do
  drop else end except exclude execute exists explain extension false fetch filter first following for foreign
  from full function grant group grouping having if ilike in index inner insert intersect interval into is join
  key language last lateral leading left like limit local lock materialized natural not nothing notify null
  nulls of offset on only or order outer over partition policy preceding primary procedure range recursive
  references refresh release rename replace restrict return returning returns revoke right role rollback rollup
  row rows savepoint schema select sequence session set sets show similar some table tablesample temp
  temporary then ties to trailing transaction trigger true truncate type unbounded union unique unlogged update
  using vacuum values verbose view when where window with within without`.split(/\s+/),
);

const TYPES = new Set(
  `bigint bigserial bit boolean bool box bytea char character cidr date decimal double float float4 float8
  inet int int2 int4 int8 integer json jsonb money numeric oid precision real regclass serial smallint text
  time timestamp timestamptz tsquery tsvector uuid varchar vector xml zone`.split(/\s+/),
);

/**
 * Colours one line of SQL: keywords, types, strings, numbers, comments, quoted identifiers and
 * parameters. `state` carries comments and strings that span lines; pass the returned state to the
 * next line.
 */
export function highlightSqlLine(
  line: string,
  style: Style,
  state: SqlHighlightState = { mode: 'code' },
): { text: string; state: SqlHighlightState } {
  let out = '';
  let i = 0;
  let current: SqlHighlightState = { ...state };

  while (i < line.length) {
    switch (current.mode) {
      case 'block_comment': {
        let depth = current.commentDepth ?? 1;
        let j = i;
        while (j < line.length && depth > 0) {
          if (line.startsWith('/*', j)) {
            depth++;
            j += 2;
          } else if (line.startsWith('*/', j)) {
            depth--;
            j += 2;
          } else j++;
        }
        out += style.gray(line.slice(i, j));
        i = j;
        current = depth > 0 ? { mode: 'block_comment', commentDepth: depth } : { mode: 'code' };
        continue;
      }
      case 'string': {
        let j = i;
        for (;;) {
          const quote = line.indexOf("'", j);
          if (quote === -1) {
            j = line.length;
            break;
          }
          if (line[quote + 1] === "'") {
            j = quote + 2;
            continue;
          }
          j = quote + 1;
          current = { mode: 'code' };
          break;
        }
        out += style.green(line.slice(i, j));
        i = j;
        continue;
      }
      case 'quoted_identifier': {
        const at = line.indexOf('"', i);
        const j = at === -1 ? line.length : at + 1;
        if (at !== -1) current = { mode: 'code' };
        out += style.cyan(line.slice(i, j));
        i = j;
        continue;
      }
      case 'dollar': {
        const tag = current.dollarTag ?? '$$';
        const at = line.indexOf(tag, i);
        const j = at === -1 ? line.length : at + tag.length;
        if (at !== -1) current = { mode: 'code' };
        out += style.green(line.slice(i, j));
        i = j;
        continue;
      }
      case 'code':
        break;
    }

    const rest = line.slice(i);
    if (rest.startsWith('--')) {
      out += style.gray(rest);
      break;
    }
    if (rest.startsWith('/*')) {
      out += style.gray('/*');
      i += 2;
      current = { mode: 'block_comment', commentDepth: 1 };
      continue;
    }
    const dollar = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
    if (dollar) {
      out += style.green(dollar[0]);
      i += dollar[0].length;
      current = { mode: 'dollar', dollarTag: dollar[0] };
      continue;
    }
    if (/^[EeBbXxUu]&?'/.test(rest) || rest.startsWith("'")) {
      const open = rest.indexOf("'") + 1;
      out += style.green(rest.slice(0, open));
      i += open;
      current = { mode: 'string' };
      continue;
    }
    if (rest.startsWith('"')) {
      out += style.cyan('"');
      i += 1;
      current = { mode: 'quoted_identifier' };
      continue;
    }
    const param = /^\$\d+/.exec(rest);
    if (param) {
      out += style.magenta(param[0]);
      i += param[0].length;
      continue;
    }
    const number = /^(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)(?![A-Za-z_])/.exec(rest);
    if (number) {
      out += style.yellow(number[0]);
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(rest);
    if (word) {
      const lower = word[0].toLowerCase();
      const previous = out === '' ? '' : line[i - 1];
      // After "." it is a column or table name, never a keyword (orders.order, t.type).
      if (previous !== '.' && KEYWORDS.has(lower)) out += style.bold(style.blue(word[0]));
      else if (previous !== '.' && TYPES.has(lower)) out += style.magenta(word[0]);
      else out += word[0];
      i += word[0].length;
      continue;
    }
    out += rest[0];
    i += 1;
  }
  return { text: out, state: current };
}

/** Colours a whole SQL text, line by line. */
export function highlightSql(sql: string, style: Style): string {
  let state: SqlHighlightState = { mode: 'code' };
  return sql
    .split('\n')
    .map((line) => {
      const result = highlightSqlLine(line, style, state);
      state = result.state;
      return result.text;
    })
    .join('\n');
}

/** Code-fence languages that are highlighted as SQL. */
export function isSqlLanguage(language: string): boolean {
  return /^(sql|psql|pgsql|postgres|postgresql|plpgsql)$/i.test(language);
}
