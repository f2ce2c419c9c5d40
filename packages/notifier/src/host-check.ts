import type { HostGuard } from '@pgmcp/connection-store';
import { invalidInput } from './errors.js';

/**
 * Runs the connections' SSRF guard on a host and names `field` (e.g. "url", "smtp.host") in the
 * refusal, so a channel pointing at a metadata or blocked address is refused like a connection.
 */
export async function checkHost(guard: HostGuard, host: string, field: string): Promise<void> {
  try {
    await guard.check(host);
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/^host: /, '') : 'is refused.';
    throw invalidInput(field, why);
  }
}

/** {@link checkHost} on the host of an http(s) URL. */
export async function checkUrl(guard: HostGuard, url: string, field: string): Promise<void> {
  await checkHost(guard, new URL(url).hostname, field);
}
