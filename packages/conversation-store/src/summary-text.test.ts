import type { Message } from '@pgmcp/api-contract';
import { describe, expect, it } from 'vitest';
import { previewFrom, titleFrom, UNTITLED } from './summary-text.js';

const user = (content: Message['content']): Message => ({ role: 'user', content });

describe('titleFrom', () => {
  it('takes the first non-empty line of the first user message', () => {
    expect(titleFrom([user('\n\n  Why is   this query slow?\nSELECT * FROM orders')])).toBe(
      'Why is this query slow?',
    );
  });

  it('skips assistant messages and user messages without text', () => {
    const messages: Message[] = [
      { role: 'assistant', content: 'Hello! How can I help?' },
      user([{ type: 'tool_result', tool_use_id: 't1', content: 'rows' }]),
      user([
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
        { type: 'text', text: 'Explain this plan' },
      ]),
    ];
    expect(titleFrom(messages)).toBe('Explain this plan');
  });

  it('cuts long lines on a word boundary to at most 60 characters', () => {
    const title = titleFrom([
      user('Show me the ten customers with the highest lifetime order value in the last fiscal year please'),
    ]);
    expect(title).toBe('Show me the ten customers with the highest lifetime order…');
    expect([...title].length).toBeLessThanOrEqual(60);
  });

  it('cuts a single very long word mid-word', () => {
    const title = titleFrom([user('x'.repeat(100))]);
    expect(title).toBe(`${'x'.repeat(59)}…`);
  });

  it('falls back to a neutral title', () => {
    expect(titleFrom([])).toBe(UNTITLED);
    expect(titleFrom([user('   ')])).toBe(UNTITLED);
  });
});

describe('previewFrom', () => {
  it('collapses whitespace across lines and truncates', () => {
    expect(previewFrom([user('line one\nline   two')], 120)).toBe('line one line two');
    expect(previewFrom([user('alpha beta gamma delta')], 12)).toBe('alpha beta…');
    expect(previewFrom([], 12)).toBe('');
  });
});
