import type { HostGuard } from '@pgmcp/connection-store';
import type { SendOutcome } from '../types.js';

/** What a sender needs besides the channel and the notice. */
export interface SendContext {
  /** The SSRF guard, run again at send time (DNS may have changed since the channel was saved). */
  guard: HostGuard;
  /** How long one attempt may take (connect, send, answer). */
  timeoutMs: number;
  /** The delivery's id: receivers use it to drop duplicates of a retried delivery. */
  deliveryId: string;
  now: () => Date;
}

/** A send's outcome; `permanent` failures (HTTP 4xx, SMTP 5yz) are not retried. */
export interface AttemptOutcome extends SendOutcome {
  permanent: boolean;
}

/** A failure outcome, its error naming the part at fault. */
export function failed(error: string, permanent = false, response: string | null = null): AttemptOutcome {
  return { ok: false, response, error, permanent };
}

/** The message of an unknown thrown value, one line, without a stack. */
export function messageOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const message = error instanceof Error ? error.message : String(error);
  return `${message}${cause}`.replace(/\s+/g, ' ').slice(0, 500);
}
