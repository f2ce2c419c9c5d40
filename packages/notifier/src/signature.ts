import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header a signed webhook delivery carries: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'X-Pgmcp-Signature';

/** HMAC-SHA256 over `<t>.<body>` with the channel's secret, as the header value. */
export function signWebhookBody(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmac(secret, unixSeconds, body)}`;
}

/**
 * What a receiver does with a delivery: recomputes the HMAC over `<t>.<raw body>` and compares in
 * constant time; refuses a timestamp older than `toleranceS` (default 300) to stop replays.
 *
 * @example
 *   verifyWebhookSignature({ secret, body: rawBody, header: req.headers['x-pgmcp-signature'] }); // true
 */
export function verifyWebhookSignature(options: {
  secret: string;
  body: string;
  header: string | undefined;
  toleranceS?: number;
  nowS?: number;
}): boolean {
  const parts = new Map(
    (options.header ?? '').split(',').map((part) => part.trim().split('=', 2) as [string, string]),
  );
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const now = options.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceS ?? 300)) return false;
  return timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(hmac(options.secret, t, options.body), 'hex'));
}

function hmac(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}
