// Helpers that write the pseudo-random parts of the generator's SQL.
//
// Randomness comes from hashint8extended(key, seed): PostgreSQL's 64-bit hash of an integer, the
// one hash partitioning relies on, so it is stable across versions and platforms' word order
// aside. Every value is a pure function of (seed, row key): the data is the same on every run,
// on PostgreSQL 15 and 18 alike, in any row order, without random() or setseed().

/** SQL for a float in [0, 1) derived from `key` (an integer SQL expression) and `seed`. */
export function rnd(seed: number, key: string): string {
  return `((hashint8extended((${key})::bigint, ${seed}) & 4294967295)::float8 / 4294967296.0)`;
}

/** SQL for an integer in [low, high] derived from `key` and `seed`. */
export function between(seed: number, key: string, low: number, high: number): string {
  return `(${low} + floor(${rnd(seed, key)} * ${high - low + 1})::int)`;
}

/** SQL picking one element of the text[] expression `array` with `key` and `seed`. */
export function pick(array: string, seed: number, key: string): string {
  return `(${array})[1 + floor(${rnd(seed, key)} * cardinality(${array}))::int]`;
}

/** Collects the bind parameters of one statement and hands out their `$n` placeholders. */
export class Params {
  readonly values: unknown[] = [];

  /** A placeholder for `value`, cast to `type` when given. */
  add(value: unknown, type?: string): string {
    this.values.push(value);
    const placeholder = `$${this.values.length}`;
    return type ? `${placeholder}::${type}` : placeholder;
  }

  /** A `text[]` placeholder for a word or phrase list. */
  list(items: readonly string[]): string {
    return this.add(items, 'text[]');
  }
}
