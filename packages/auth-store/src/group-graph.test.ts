import { describe, expect, it } from 'vitest';
import { cycleIfAdded, groupsAbove } from './group-graph.js';

describe('groupsAbove', () => {
  it('walks up nested groups, recording the path from the direct group', () => {
    const edges = [
      { parent: 'eng', child: 'dev' },
      { parent: 'all', child: 'eng' },
      { parent: 'all', child: 'ops' },
    ];
    expect(Object.fromEntries(groupsAbove(['dev'], edges))).toEqual({
      dev: ['dev'],
      eng: ['dev', 'eng'],
      all: ['dev', 'eng', 'all'],
    });
  });

  it('terminates on cyclic data', () => {
    const edges = [
      { parent: 'a', child: 'b' },
      { parent: 'b', child: 'a' },
    ];
    expect([...groupsAbove(['a'], edges).keys()].sort()).toEqual(['a', 'b']);
  });
});

describe('cycleIfAdded', () => {
  const edges = [
    { parent: 'a', child: 'b' },
    { parent: 'b', child: 'c' },
  ];

  it('finds the loop a new edge would close', () => {
    expect(cycleIfAdded('c', 'a', edges)).toEqual(['c', 'a', 'b', 'c']);
    expect(cycleIfAdded('b', 'a', edges)).toEqual(['b', 'a', 'b']);
    expect(cycleIfAdded('x', 'x', edges)).toEqual(['x', 'x']);
  });

  it('allows edges that close no loop, including diamonds', () => {
    expect(cycleIfAdded('a', 'c', edges)).toBeUndefined();
    expect(cycleIfAdded('d', 'a', edges)).toBeUndefined();
  });
});
