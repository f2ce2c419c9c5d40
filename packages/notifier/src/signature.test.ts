import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from './signature.js';

const secret = 'a-shared-secret-of-32-characters!';
const body = '{"type":"alert.fired"}';

describe('webhook signature', () => {
  it('is HMAC-SHA256 over "<t>.<body>" in the documented header format', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signWebhookBody(secret, body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies a fresh signature and refuses a changed body, another secret, a stale time or junk', () => {
    const header = signWebhookBody(secret, body, 1_700_000_000);
    const check = (more: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      verifyWebhookSignature({ secret, body, header, nowS: 1_700_000_100, ...more });
    expect(check({})).toBe(true);
    expect(check({ body: `${body} ` })).toBe(false);
    expect(check({ secret: `${secret}x` })).toBe(false);
    expect(check({ nowS: 1_700_000_301 })).toBe(false);
    expect(check({ header: 't=1700000000,v1=zz' })).toBe(false);
    expect(check({ header: undefined })).toBe(false);
  });
});
