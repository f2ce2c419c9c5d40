import type { ChannelConfig } from '../channel-config.js';
import type { Notice } from '../notice.js';
import { SIGNATURE_HEADER, signWebhookBody } from '../signature.js';
import { postJson } from './post-json.js';
import type { AttemptOutcome, SendContext } from './send-context.js';

type WebhookConfig = Extract<ChannelConfig, { kind: 'webhook' }>;

/** Delivers a notice as JSON to a generic webhook, signed when the channel has a secret. */
export async function sendWebhook(
  config: WebhookConfig,
  notice: Notice,
  context: SendContext,
): Promise<AttemptOutcome> {
  const body = JSON.stringify({ ...notice.json, delivery_id: context.deliveryId });
  const headers: Record<string, string> = {
    ...config.headers,
    'x-pgmcp-event': notice.kind,
    'x-pgmcp-delivery': context.deliveryId,
  };
  if (config.secret) {
    const unix = Math.floor(context.now().getTime() / 1000);
    headers[SIGNATURE_HEADER.toLowerCase()] = signWebhookBody(config.secret, body, unix);
  }
  return postJson(config.url, body, headers, context);
}
