import type { ChannelConfig } from '../channel-config.js';
import type { Notice } from '../notice.js';
import { postJson } from './post-json.js';
import type { AttemptOutcome, SendContext } from './send-context.js';

type SlackConfig = Extract<ChannelConfig, { kind: 'slack' }>;

/** The Slack incoming-webhook payload: `text` (the notification's fallback) and Block Kit `blocks`. */
export function slackPayload(notice: Notice): { text: string; blocks: Record<string, unknown>[] } {
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: notice.title.slice(0, 150), emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: escape(notice.text).slice(0, 3000) } },
    {
      type: 'section',
      fields: notice.facts.slice(0, 10).map(([label, value]) => ({
        type: 'mrkdwn',
        text: `*${label}*\n${escape(value)}`.slice(0, 2000),
      })),
    },
  ];
  if (notice.link) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `<${notice.link}|Open in pgmcp>` }],
    });
  }
  return { text: `${notice.title}: ${notice.text}`, blocks };
}

/** Delivers a notice to a Slack-compatible incoming webhook. */
export async function sendSlack(
  config: SlackConfig,
  notice: Notice,
  context: SendContext,
): Promise<AttemptOutcome> {
  return postJson(config.url, JSON.stringify(slackPayload(notice)), {}, context);
}

/** Slack's mrkdwn control characters. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
