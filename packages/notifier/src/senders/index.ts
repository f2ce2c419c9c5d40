import type { ChannelConfig } from '../channel-config.js';
import type { Notice } from '../notice.js';
import { sendEmail } from './email.js';
import type { AttemptOutcome, SendContext } from './send-context.js';
import { sendSlack } from './slack.js';
import { sendWebhook } from './webhook.js';

/** Sends a notice through a channel of any kind; never throws. */
export async function sendNotice(
  config: ChannelConfig,
  notice: Notice,
  context: SendContext,
): Promise<AttemptOutcome> {
  switch (config.kind) {
    case 'webhook':
      return sendWebhook(config, notice, context);
    case 'slack':
      return sendSlack(config, notice, context);
    case 'email':
      return sendEmail(config, notice, context);
  }
}
