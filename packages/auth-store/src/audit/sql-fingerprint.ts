import { createHash } from 'node:crypto';

/**
 * A statement's shape without its values: literals become `?`, whitespace and comments collapse,
 * case folds outside quoted identifiers; then SHA-256, 16 hex digits. Two runs of one query with
 * different values share a fingerprint, and no value can be read back from it.
 */
export function sqlFingerprint(sql: string): string {
  const shape = sql
    .replace(/--[^\n]*|\/\*[^]*?\*\//g, ' ')
    .replace(/\$([A-Za-z_]*)\$[^]*?\$\1\$/g, '?')
    .replace(/[EeBbXxNn]?'(?:[^']|'')*'/g, '?')
    .replace(
      /("(?:[^"]|"")*")|\b\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b/g,
      (match, quoted: string | undefined) => quoted ?? '?',
    )
    .replace(
      /("(?:[^"]|"")*")|[^"]+/g,
      (match, quoted: string | undefined) => quoted ?? match.toLowerCase().replace(/\s+/g, ' '),
    )
    .trim();
  return createHash('sha256').update(shape).digest('hex').slice(0, 16);
}
