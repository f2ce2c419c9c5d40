/**
 * A generic walk over libpg-query's JSON parse tree: every object and every list is visited,
 * whatever the node type and whatever field it sits in, so new grammar (JSON_TABLE, MERGE …
 * RETURNING, …) cannot hide a function call from the guard.
 *
 * In the JSON, a field typed `Node *` holds a wrapper `{ "FuncCall": { …fields } }`, while a
 * field typed with a concrete struct (`SelectStmt.larg`, `CallStmt.funccall`, `InsertStmt.relation`)
 * holds the fields directly. Visitors therefore get the node type when there is a wrapper and
 * the field name always, and check shapes rather than types where both forms occur.
 */

/** A JSON object of the parse tree. */
export type TreeObject = Readonly<Record<string, unknown>>;

/** One object of the tree, as the visitor sees it. */
export interface VisitedNode {
  /** Node type when the object came wrapped (`FuncCall`, `SubLink`, …); undefined for a struct field. */
  readonly type: string | undefined;
  readonly fields: TreeObject;
  /** Name of the field of the parent that holds it (or its list); undefined at the root. */
  readonly field: string | undefined;
  /** Node type of the nearest wrapped ancestor. */
  readonly parentType: string | undefined;
  /** The node's own `location`, else the nearest ancestor's (byte offset), else undefined. */
  readonly location: number | undefined;
}

interface Frame {
  readonly value: unknown;
  readonly field: string | undefined;
  readonly parentType: string | undefined;
  readonly location: number | undefined;
}

export function isObject(value: unknown): value is TreeObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ "Type": {…} }` → ["Type", {…}], for a wrapper object; undefined otherwise. */
export function unwrap(value: unknown): [type: string, fields: TreeObject] | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const type = keys[0]!;
  const fields = value[type];
  const first = type.charCodeAt(0);
  // Node types start with an upper-case letter; struct fields never do.
  if (first < 65 || first > 90 || !isObject(fields)) return undefined;
  return [type, fields];
}

/** The `sval` of a `{ "String": { sval } }` node (an identifier in a name list). */
export function stringValue(value: unknown): string | undefined {
  const node = unwrap(value);
  if (!node || node[0] !== 'String') return undefined;
  const sval = node[1].sval;
  return typeof sval === 'string' ? sval : '';
}

/**
 * Visits every object below (and including) `root`, depth first in source order. Iterative,
 * so a deeply nested statement cannot overflow the JavaScript stack.
 */
export function walkTree(root: unknown, visit: (node: VisitedNode) => void): void {
  const stack: Frame[] = [{ value: root, field: undefined, parentType: undefined, location: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ ...frame, value: value[i] });
      continue;
    }
    if (!isObject(value)) continue;
    const wrapped = unwrap(value);
    const type = wrapped?.[0];
    const fields = wrapped ? wrapped[1] : value;
    const own = fields.location;
    const location = typeof own === 'number' && own >= 0 ? own : frame.location;
    visit({ type, fields, field: frame.field, parentType: frame.parentType, location });
    const parentType = type ?? frame.parentType;
    const keys = Object.keys(fields);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const child = fields[key];
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, field: key, parentType, location });
    }
  }
}
