/** What a piece of SQL is, for highlighting. */
export type SqlTokenKind =
  | 'keyword'
  | 'function'
  | 'string'
  | 'number'
  | 'comment'
  | 'identifier'
  | 'quoted'
  | 'operator'
  | 'parameter'
  | 'text';

/** One piece of SQL; the pieces concatenated give back the input exactly. */
export interface SqlToken {
  kind: SqlTokenKind;
  text: string;
}

const KEYWORDS = new Set(
  `ADD ALL ALTER ANALYZE AND ANY ARRAY AS ASC ASYMMETRIC BEGIN BETWEEN BIGINT BOOLEAN BOTH BY CASCADE CASE
  CAST CHECK COLLATE COLUMN COMMIT CONCURRENTLY CONFLICT CONSTRAINT COPY CREATE CROSS CUBE CURRENT_DATE
  CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DATABASE DATE DEFAULT DEFERRABLE DELETE DESC DISTINCT DO DROP
  ELSE END EXCEPT EXISTS EXPLAIN EXTENSION FALSE FETCH FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL FUNCTION
  GRANT GROUP GROUPING HAVING IF ILIKE IN INDEX INNER INSERT INT INTEGER INTERSECT INTERVAL INTO IS ISNULL
  JOIN JSON JSONB KEY LAST LATERAL LEADING LEFT LIKE LIMIT LOCAL MATERIALIZED MERGE NATURAL NOT NOTHING
  NOTNULL NULL NULLS NUMERIC OF OFFSET ON ONLY OR ORDER OUTER OVER PARTITION PRECEDING PRIMARY RANGE
  RECURSIVE REFERENCES REFRESH RETURNING REVOKE RIGHT ROLLBACK ROW ROWS SCHEMA SELECT SEQUENCE SET SETS SHOW
  SIMILAR SOME SYMMETRIC TABLE TABLESAMPLE TEXT THEN TIES TIMESTAMP TIMESTAMPTZ TO TRAILING TRANSACTION
  TRIGGER TRUE TRUNCATE UNBOUNDED UNION UNIQUE UPDATE USING VACUUM VALUES VARCHAR VERBOSE VIEW WHEN WHERE
  WINDOW WITH WITHIN WITHOUT ZONE`.split(/\s+/),
);

/** Ordered alternatives: the first that matches at the current position wins. */
const RULES: [SqlTokenKind, RegExp][] = [
  ['comment', /--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/y],
  ['string', /[eE]'(?:[^'\\]|\\.|'')*(?:'|$)|'(?:[^']|'')*(?:'|$)/y],
  ['string', /\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?(?:\$\1\$|$)/y],
  ['quoted', /"(?:[^"]|"")*(?:"|$)/y],
  ['parameter', /\$\d+/y],
  ['number', /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y],
  ['identifier', /[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/y],
  ['operator', /::|<=|>=|<>|!=|\|\||->>?|#>>?|@>|<@|[-+*/%<>=~!@#^&|?]/y],
  ['text', /\s+|[^\s]/y],
];

/** Splits SQL into tokens for highlighting (a lexer, not a parser: good enough for colours). */
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let at = 0;
  while (at < sql.length) {
    for (const [kind, pattern] of RULES) {
      pattern.lastIndex = at;
      const match = pattern.exec(sql);
      if (!match || match[0] === '') continue;
      let resolved = kind;
      if (kind === 'identifier') {
        const next = sql.slice(at + match[0].length).match(/^\s*\(/);
        if (KEYWORDS.has(match[0].toUpperCase())) resolved = 'keyword';
        else if (next) resolved = 'function';
      }
      const last = tokens[tokens.length - 1];
      if (last && last.kind === resolved && resolved === 'text') last.text += match[0];
      else tokens.push({ kind: resolved, text: match[0] });
      at += match[0].length;
      break;
    }
  }
  return tokens;
}

/** True when a code block without a language looks like SQL. */
export function looksLikeSql(code: string): boolean {
  return /^\s*(SELECT|WITH|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|EXPLAIN|SHOW|VALUES|TABLE|MERGE)\b/i.test(
    code,
  );
}
