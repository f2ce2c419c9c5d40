import type { HostGuard } from '@pgmcp/connection-store';
import type { ChannelStore } from './channel-store.js';
import type { DeliveryStore } from './delivery-store.js';
import { eventNotice, type Notice, testNotice } from './notice.js';
import { sendNotice } from './senders/index.js';
import { type AttemptOutcome, failed, messageOf } from './senders/send-context.js';
import type { AlertEvent, DeliveryStatus, SendOutcome } from './types.js';

/** Timers the retries are scheduled with (tests pass ones that need no waiting). */
export interface NotifierTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Retries of a failed delivery: `attempts` in all, waiting base × 2^(n-1), at most `maxDelayMs`. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** What the dispatcher runs on. */
export interface DispatcherDeps {
  channels: ChannelStore;
  deliveries: DeliveryStore;
  guard: HostGuard;
  retry: RetryPolicy;
  timeoutMs: number;
  timers: NotifierTimers;
  now: () => Date;
  onError: (error: unknown) => void;
}

/** The outcome of "send test". */
export interface TestOutcome extends SendOutcome {
  delivery_id: string;
}

/** Routes events to channels and runs deliveries in the background, each on its own. */
export interface Dispatcher {
  dispatch(event: AlertEvent): void;
  sendTest(channelId: string): Promise<TestOutcome>;
  /** Attempts the deliveries whose next attempt is due (retries a stopped process left). */
  resumeDue(): Promise<number>;
  /** Resolves when no delivery attempt is running. */
  idle(): Promise<void>;
  /** Cancels the scheduled retries (they stay due in the table) and waits for running attempts. */
  close(): Promise<void>;
}

/** The dispatcher of {@link createNotifier}. */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { channels, deliveries, retry, now } = deps;
  const running = new Set<Promise<unknown>>();
  const scheduled = new Set<unknown>();
  let closed = false;
  // An attempt holds its delivery this long; after it another process may take the delivery over.
  const leaseMs = deps.timeoutMs * 3;

  function track(work: Promise<unknown>): void {
    const guarded = work.catch(deps.onError);
    running.add(guarded);
    void guarded.finally(() => running.delete(guarded));
  }

  function later(id: string, ms: number): void {
    if (closed) return;
    const handle = deps.timers.setTimeout(() => {
      scheduled.delete(handle);
      track(attempt(id));
    }, ms);
    scheduled.add(handle);
  }

  async function send(channelId: string, notice: Notice, deliveryId: string): Promise<AttemptOutcome> {
    try {
      const { config } = await channels.load(channelId);
      return await sendNotice(config, notice, {
        guard: deps.guard,
        timeoutMs: deps.timeoutMs,
        deliveryId,
        now,
      });
    } catch (error) {
      return failed(`channel: ${messageOf(error)}`);
    }
  }

  async function attempt(id: string): Promise<SendOutcome | undefined> {
    const claimed = await deliveries.claim(id, now(), leaseMs);
    if (!claimed) return undefined;
    const notice =
      claimed.eventKind === 'test'
        ? testNotice(String(claimed.event.channel), new Date(String(claimed.event.at)))
        : eventNotice(reviveEvent(claimed.event));
    const outcome = await send(claimed.channelId, notice, id);
    const attempts = claimed.attempts + 1;
    const again = !outcome.ok && !outcome.permanent && attempts < claimed.maxAttempts;
    const delay = Math.min(retry.baseDelayMs * 2 ** (attempts - 1), retry.maxDelayMs);
    const status: DeliveryStatus = outcome.ok ? 'delivered' : again ? 'retrying' : 'failed';
    const at = now();
    await deliveries.record(
      id,
      { at: at.toISOString(), ok: outcome.ok, response: outcome.response, error: outcome.error },
      status,
      again ? new Date(at.getTime() + delay) : null,
    );
    if (again) later(id, delay);
    return { ok: outcome.ok, response: outcome.response, error: outcome.error };
  }

  async function deliver(event: AlertEvent, channelId: string): Promise<void> {
    const id = await deliveries.insert(
      {
        channelId,
        eventKind: event.kind,
        alertId: event.alertId,
        ruleId: event.ruleId,
        connectionId: event.connectionId,
        severity: event.severity,
        event: { ...event, at: event.at.toISOString() },
        maxAttempts: retry.attempts,
      },
      now(),
    );
    await attempt(id);
  }

  async function fanOut(event: AlertEvent): Promise<void> {
    const targets = await channels.routes(event.ruleId, event.severity);
    // Each delivery runs on its own: a slow or failing channel holds up no other.
    for (const target of targets) track(deliver(event, target.id));
  }

  async function idle(): Promise<void> {
    while (running.size > 0) await Promise.all([...running]);
  }

  return {
    dispatch(event) {
      if (!closed) track(fanOut(event));
    },
    async sendTest(channelId) {
      const { view } = await channels.load(channelId);
      const at = now();
      const id = await deliveries.insert(
        { channelId, eventKind: 'test', event: { channel: view.name, at: at.toISOString() }, maxAttempts: 1 },
        at,
      );
      const outcome = (await attempt(id)) ?? failed('delivery: already taken by another process.');
      return { delivery_id: id, ok: outcome.ok, response: outcome.response, error: outcome.error };
    },
    async resumeDue() {
      const due = await deliveries.due(now());
      for (const id of due) track(attempt(id));
      return due.length;
    },
    idle,
    async close() {
      closed = true;
      for (const handle of scheduled) deps.timers.clearTimeout(handle);
      scheduled.clear();
      await idle();
    },
  };
}

/** The stored JSON of an event back as an AlertEvent. */
function reviveEvent(stored: Record<string, unknown>): AlertEvent {
  return { ...(stored as unknown as AlertEvent), at: new Date(String(stored.at)) };
}
