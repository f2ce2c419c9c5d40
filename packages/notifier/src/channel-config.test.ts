import { describe, expect, it } from 'vitest';
import { ChannelInputSchema, fieldPath, parseOrThrow } from './channel-config.js';

describe('channel config', () => {
  it('names nested fields and list items the way errors show them', () => {
    expect(fieldPath(['smtp', 'host'])).toBe('smtp.host');
    expect(fieldPath(['to', 0])).toBe('to[0]');
    expect(fieldPath(['headers', 'X-Team'])).toBe('headers.X-Team');
  });

  it('names an unknown field of the kind', () => {
    expect(() =>
      parseOrThrow(ChannelInputSchema, {
        kind: 'email',
        name: 'm',
        smtp: { host: 'mail.example', tls: true },
        from: 'a@example.com',
        to: ['b@example.com'],
      }),
    ).toThrow(
      expect.objectContaining({
        field: 'smtp.tls',
        message: 'smtp.tls: is not a field of this channel kind',
      }),
    );
  });
});
