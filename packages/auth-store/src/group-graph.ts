/** A group-in-group membership: `parent` contains `child`. */
export interface GroupEdge {
  readonly parent: string;
  readonly child: string;
}

/**
 * Every group reachable upwards from the user's direct groups, each with the path of group ids
 * from a direct group to it (shortest first found). Safe on cyclic data.
 */
export function groupsAbove(
  directGroupIds: readonly string[],
  edges: readonly GroupEdge[],
): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const { parent, child } of edges) parents.set(child, [...(parents.get(child) ?? []), parent]);
  const paths = new Map<string, string[]>();
  const queue: string[] = [];
  for (const id of directGroupIds) {
    if (!paths.has(id)) {
      paths.set(id, [id]);
      queue.push(id);
    }
  }
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const path = paths.get(next) ?? [next];
    for (const parent of parents.get(next) ?? []) {
      if (paths.has(parent)) continue;
      paths.set(parent, [...path, parent]);
      queue.push(parent);
    }
  }
  return paths;
}

/**
 * The cycle that making `child` a member of `parent` would close, as group ids from `parent` down to
 * `parent` again, or undefined when the edge is safe.
 */
export function cycleIfAdded(
  parent: string,
  child: string,
  edges: readonly GroupEdge[],
): string[] | undefined {
  if (parent === child) return [parent, parent];
  // A cycle appears when `parent` is already inside `child`: walk down from child looking for it.
  const children = new Map<string, string[]>();
  for (const edge of edges) children.set(edge.parent, [...(children.get(edge.parent) ?? []), edge.child]);
  const cameFrom = new Map<string, string>();
  const queue = [child];
  const seen = new Set([child]);
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const below of children.get(next) ?? []) {
      if (seen.has(below)) continue;
      seen.add(below);
      cameFrom.set(below, next);
      if (below === parent) {
        const path = [parent];
        for (let at = parent; at !== child;) {
          at = cameFrom.get(at) ?? child;
          path.unshift(at);
        }
        return [parent, ...path];
      }
      queue.push(below);
    }
  }
  return undefined;
}
