import { memo, useMemo } from 'react';
import { tokenizeSql } from './sql-tokens.js';

/** SQL with syntax colours; rendered as text spans (no HTML is ever injected). */
export const SqlCode = memo(function SqlCode({ sql, className }: { sql: string; className?: string }) {
  const tokens = useMemo(() => tokenizeSql(sql), [sql]);
  return (
    <pre className={`code sql ${className ?? ''}`}>
      <code>
        {tokens.map((token, i) =>
          token.kind === 'text' || token.kind === 'identifier' ? (
            token.text
          ) : (
            <span key={i} className={`tok-${token.kind}`}>
              {token.text}
            </span>
          ),
        )}
      </code>
    </pre>
  );
});
