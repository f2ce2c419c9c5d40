import type { AlertEvent, AlertEventKind } from './types.js';

/** What every channel kind renders: one title, one sentence, labelled facts, the JSON of webhooks. */
export interface Notice {
  kind: AlertEventKind | 'test';
  title: string;
  text: string;
  facts: [label: string, value: string][];
  link: string | null;
  /** The webhook body (snake_case). */
  json: Record<string, unknown>;
}

const VERB: Record<AlertEventKind, string> = {
  fired: 'FIRED',
  reopened: 'REOPENED',
  acknowledged: 'ACKNOWLEDGED',
  cleared: 'CLEARED',
};

/** The notice of an alert event. */
export function eventNotice(event: AlertEvent): Notice {
  const facts: [string, string][] = [
    ['Connection', event.connectionId],
    ['Severity', event.severity],
    ['Metric', event.metric],
    ['Value', shown(event.value)],
    ['Threshold', shown(event.threshold)],
    ['At', event.at.toISOString()],
  ];
  if (event.actor) facts.push(['By', event.actor]);
  if (event.note) facts.push(['Note', event.note]);
  return {
    kind: event.kind,
    title: `[${event.severity}] ${VERB[event.kind]}: ${event.ruleName} on ${event.connectionId}`,
    text: event.message,
    facts,
    link: event.link ?? null,
    json: {
      type: `alert.${event.kind}`,
      alert: {
        id: event.alertId,
        rule_id: event.ruleId,
        rule_name: event.ruleName,
        connection_id: event.connectionId,
        severity: event.severity,
        metric: event.metric,
        value: event.value,
        threshold: event.threshold,
        message: event.message,
        at: event.at.toISOString(),
        link: event.link ?? null,
        ...(event.actor ? { actor: event.actor } : {}),
        ...(event.note ? { note: event.note } : {}),
      },
    },
  };
}

/** The notice "send test" delivers. */
export function testNotice(channelName: string, at: Date): Notice {
  const text = `This is a test message from pgmcp for the notification channel "${channelName}".`;
  return {
    kind: 'test',
    title: 'pgmcp test notification',
    text,
    facts: [['At', at.toISOString()]],
    link: null,
    json: { type: 'test', channel: channelName, message: text, at: at.toISOString() },
  };
}

function shown(value: number | null): string {
  return value === null ? '-' : String(value);
}
