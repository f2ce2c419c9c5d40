import { checkUrl } from '../host-check.js';
import { type AttemptOutcome, failed, messageOf, type SendContext } from './send-context.js';

/**
 * POSTs a JSON body. Redirects are not followed (a redirect could lead past the SSRF guard);
 * any 2xx is delivered. Errors name the `url` field and never show the URL (a Slack URL is a secret).
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  context: SendContext,
): Promise<AttemptOutcome> {
  try {
    await checkUrl(context.guard, url, 'url');
  } catch (error) {
    return failed(messageOf(error), true);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'user-agent': 'pgmcp-notifier', ...headers, 'content-type': 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(context.timeoutMs),
    });
  } catch (error) {
    return failed(`url: ${messageOf(error)}`);
  }
  const status = `HTTP ${response.status}`;
  const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 200);
  if (response.ok) return { ok: true, response: status, error: null, permanent: false };
  const permanent =
    response.status >= 300 && response.status < 500 && ![408, 425, 429].includes(response.status);
  return failed(`url: ${status}${text ? ` ${text}` : ''}`, permanent, status);
}
