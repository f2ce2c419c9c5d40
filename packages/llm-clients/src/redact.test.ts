import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it('removes the configured key wherever it appears', () => {
    const key = 'my-very-secret-key-123';
    expect(redactSecrets(`invalid key ${key}; again: "${key}"`, [key])).toBe(
      'invalid key [REDACTED]; again: "[REDACTED]"',
    );
  });

  it('removes credential-shaped strings a provider echoes, even masked ones', () => {
    const text = redactSecrets(
      'Incorrect API key provided: sk-proj-abc1********************xyz9. header Authorization: Bearer tok_abcdef123 x-api-key: "sk-ant-api03-zzzzzz"',
      [],
    );
    expect(text).not.toMatch(/abc1|xyz9|tok_abcdef123|zzzzzz/);
    expect(text).toContain('Incorrect API key provided: [REDACTED]');
  });

  it('leaves ordinary text alone', () => {
    expect(redactSecrets('model "gpt-4o" not found', ['short'])).toBe('model "gpt-4o" not found');
  });
});
