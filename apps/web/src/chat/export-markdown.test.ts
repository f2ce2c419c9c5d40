import { describe, expect, it } from 'vitest';
import { conversationToMarkdown, exportFileName } from './export-markdown.js';

describe('conversationToMarkdown', () => {
  it('writes the questions, answers and tool calls with SQL and results', () => {
    const md = conversationToMarkdown(
      'Revenue 2024',
      [
        { role: 'user', content: 'How much revenue in 2024?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 't1', name: 'query_database', input: { query: 'SELECT 1', limit: 5 } },
          ],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't1', content: 'revenue\n12.50\n(1 row)' }],
        },
        { role: 'assistant', content: 'It was **$12.50**, see ```sql fences```.' },
      ],
      { exportedAt: new Date('2025-01-02T03:04:05Z'), model: 'claude-test', connection: 'demo' },
    );
    expect(md).toBe(
      [
        '# Revenue 2024',
        '',
        '_Connection: demo · Model: claude-test · Exported: 2025-01-02T03:04:05.000Z_',
        '',
        '## You',
        '',
        'How much revenue in 2024?',
        '',
        '## Assistant',
        '',
        'Let me check.',
        '',
        '### Tool: `query_database`',
        '',
        '```sql\nSELECT 1\n```',
        '',
        '```json\n{\n  "limit": 5\n}\n```',
        '',
        'Result:',
        '',
        '```\nrevenue\n12.50\n(1 row)\n```',
        '',
        '## Assistant',
        '',
        'It was **$12.50**, see ```sql fences```.',
        '',
      ].join('\n'),
    );
  });

  it('fences a result containing backticks with a longer fence', () => {
    const md = conversationToMarkdown('x', [
      { role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'get_schema_info', input: {} }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'a', content: 'has ``` inside', is_error: true }],
      },
    ]);
    expect(md).toContain('**Error:**\n\n````\nhas ``` inside\n````');
  });
});

describe('exportFileName', () => {
  it('makes a safe file name', () => {
    expect(exportFileName('Revenue in 2024 / Q1?')).toBe('revenue-in-2024-q1.md');
    expect(exportFileName('???')).toBe('conversation.md');
  });
});
