import { describe, expect, it } from 'vitest';
import { ChatError } from './chat-error.js';
import { assignPromptArguments, completeCommand, type CompletionData, splitArguments } from './commands.js';

const data: CompletionData = {
  providers: ['anthropic', 'openai'],
  models: ['gpt-4o', 'gpt-4o-mini', 'o3'],
  databases: ['shop', 'scratch'],
  prompts: ['explore-database', 'design-schema'],
  conversations: ['conv_a1', 'conv_b2'],
};

describe('splitArguments', () => {
  it('splits on spaces and keeps quoted text together', () => {
    expect(
      splitArguments(`prompt design-schema requirements="orders and 'returns'" use_case='OLTP app' x\\ y ""`),
    ).toEqual([
      'prompt',
      'design-schema',
      "requirements=orders and 'returns'",
      'use_case=OLTP app',
      'x y',
      '',
    ]);
  });
});

describe('assignPromptArguments', () => {
  const declared = [{ name: 'requirements', required: true }, { name: 'use_case' }];

  it('takes name=value pairs, then fills the rest in order, the last one taking the remaining words', () => {
    expect(
      assignPromptArguments(declared, ['use_case=analytics', 'track', 'refunds', 'per', 'order']),
    ).toEqual({
      use_case: 'analytics',
      requirements: 'track refunds per order',
    });
    expect(assignPromptArguments(declared, ['orders', 'OLTP', 'app'])).toEqual({
      requirements: 'orders',
      use_case: 'OLTP app',
    });
    expect(assignPromptArguments(declared, [])).toEqual({});
  });

  it('refuses words a prompt without arguments cannot take', () => {
    expect(() => assignPromptArguments([], ['stray'])).toThrow(ChatError);
  });
});

describe('completeCommand', () => {
  it('completes command names, sub-commands and values', () => {
    expect(completeCommand('/l', data)).toEqual({ from: 1, candidates: ['list', 'load'] });
    expect(completeCommand('/list d', data)).toEqual({ from: 6, candidates: ['databases'] });
    expect(completeCommand('/set model gpt', data)).toEqual({
      from: 11,
      candidates: ['gpt-4o', 'gpt-4o-mini'],
    });
    expect(completeCommand('/set database s', data).candidates).toEqual(['shop', 'scratch']);
    expect(completeCommand('/prompt ex', data).candidates).toEqual(['explore-database']);
    expect(completeCommand('/load conv_b', data).candidates).toEqual(['conv_b2']);
  });

  it('offers nothing for plain questions or finished commands', () => {
    expect(completeCommand('how many orders', data).candidates).toEqual([]);
    expect(completeCommand('/set model o3 more', data).candidates).toEqual([]);
  });
});
