/** Names of PostgreSQL's built-in types by OID (the ones results commonly carry). */
const BUILTIN_TYPES: Record<number, string> = {
  16: 'boolean',
  17: 'bytea',
  18: 'char',
  19: 'name',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  24: 'regproc',
  25: 'text',
  26: 'oid',
  114: 'json',
  142: 'xml',
  194: 'pg_node_tree',
  600: 'point',
  650: 'cidr',
  700: 'real',
  701: 'double precision',
  790: 'money',
  829: 'macaddr',
  869: 'inet',
  1000: 'boolean[]',
  1005: 'smallint[]',
  1007: 'integer[]',
  1009: 'text[]',
  1014: 'character[]',
  1015: 'character varying[]',
  1016: 'bigint[]',
  1021: 'real[]',
  1022: 'double precision[]',
  1028: 'oid[]',
  1042: 'character',
  1043: 'character varying',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp',
  1115: 'timestamp[]',
  1182: 'date[]',
  1184: 'timestamptz',
  1185: 'timestamptz[]',
  1186: 'interval',
  1231: 'numeric[]',
  1266: 'timetz',
  1560: 'bit',
  1562: 'varbit',
  1700: 'numeric',
  2205: 'regclass',
  2206: 'regtype',
  2249: 'record',
  2278: 'void',
  2950: 'uuid',
  2951: 'uuid[]',
  3220: 'pg_lsn',
  3614: 'tsvector',
  3615: 'tsquery',
  3802: 'jsonb',
  3807: 'jsonb[]',
  3904: 'int4range',
  3906: 'numrange',
  3908: 'tsrange',
  3910: 'tstzrange',
  3912: 'daterange',
  3926: 'int8range',
  4072: 'jsonpath',
  4089: 'regnamespace',
  5038: 'pg_snapshot',
};

/** The type name for a built-in OID, or undefined for user and extension types. */
export function builtinTypeName(oid: number): string | undefined {
  return BUILTIN_TYPES[oid];
}

const INTEGER_TYPES = new Set([20, 21, 23, 26]);
const FLOAT_TYPES = new Set([700, 701]);
const JSON_TYPES = new Set([114, 3802]);

function withoutTrailingZeros(decimal: string): string {
  return decimal.includes('.') && !/e/i.test(decimal) ? decimal.replace(/\.?0+$/, '') : decimal;
}

/**
 * A JSON value for structured output: numbers and booleans as JSON, json/jsonb parsed,
 * everything else as PostgreSQL's own text. Numbers that would lose precision in JSON
 * (big bigints, long numerics) and NaN/Infinity stay strings.
 */
export function toJsonValue(text: string | null, oid: number): unknown {
  if (text === null) return null;
  if (oid === 16) return text === 't';
  if (INTEGER_TYPES.has(oid)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  }
  if (FLOAT_TYPES.has(oid) || oid === 1700) {
    const n = Number(text);
    // Only when the number prints back exactly as PostgreSQL printed it (ignoring a numeric's
    // trailing zeros, "19.90" → 19.9), so no digit is ever lost.
    return Number.isFinite(n) && String(n) === withoutTrailingZeros(text) ? n : text;
  }
  if (JSON_TYPES.has(oid)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
