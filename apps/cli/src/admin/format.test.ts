import { describe, expect, it } from 'vitest';
import { describeScope, fields, table } from './format.js';

describe('table', () => {
  it('pads columns to the widest cell, capitalises headers and trims line ends', () => {
    expect(
      table(
        ['name', 'members', 'note'],
        [
          ['analysts', 'ann, bob', ''],
          ['dev', '', 'x'],
        ],
      ),
    ).toBe(['NAME      MEMBERS   NOTE', 'analysts  ann, bob', 'dev                 x'].join('\n'));
  });
});

describe('fields', () => {
  it('aligns values and indents continuation lines under the value', () => {
    expect(
      fields([
        ['User', 'ann'],
        ['Access', 'tools: a\nadmin: none'],
      ]),
    ).toBe(['User    ann', 'Access  tools: a', '        admin: none'].join('\n'));
  });
});

describe('describeScope', () => {
  it('says full for no scope and lists each narrowed dimension', () => {
    expect(describeScope(undefined)).toBe("full (the owner's rights)");
    expect(
      describeScope({
        mcpItems: [
          { kind: 'tool', name: 'query_database' },
          { kind: 'prompt', name: 'explore-database' },
        ],
        connections: [{ name: 'demo', access: 'read' }],
        admin: [],
      }),
    ).toBe('tools query_database; prompts explore-database; connections demo:read; admin none');
    expect(describeScope({ mcpItems: [] })).toBe('MCP items none');
  });
});
