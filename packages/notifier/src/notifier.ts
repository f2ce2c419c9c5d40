import type { HostGuard } from '@pgmcp/connection-store';
import type { KeyRing } from '@pgmcp/secrets';
import { openSqlDatabase, runMigrations, type SqlDatabase } from '@pgmcp/sql-store';
import { createChannelStore } from './channel-store.js';
import { createDeliveryStore, type DeliveryQuery } from './delivery-store.js';
import { createDispatcher, type NotifierTimers, type RetryPolicy, type TestOutcome } from './dispatcher.js';
import { NotifierError } from './errors.js';
import { notifierMigrations } from './migrations/index.js';
import type { AlertEvent, ChannelView, DeliveryView } from './types.js';

/** Options of {@link createNotifier}. */
export interface NotifierConfig {
  /** A `postgres://` URL of the datastore database. Give this or `database`. */
  readonly url?: string;
  /** The open datastore database (migrated here, not closed here). */
  readonly database?: SqlDatabase;
  /** Encrypts the channels' secrets: the key ring of the connection store. */
  readonly keyRing: KeyRing;
  /** The SSRF guard of stored connections (`connection_security`), run on every URL and SMTP host. */
  readonly hostGuard: HostGuard;
  /** Retries of a failing delivery (default 5 attempts, 10 s base delay doubling, at most 5 min). */
  readonly retry?: Partial<RetryPolicy>;
  /** How long one attempt may take, ms (default 10000). */
  readonly timeoutMs?: number;
  /** Days finished deliveries are kept (default 30). */
  readonly deliveryRetentionDays?: number;
  /** The clock (tests pass a fake one). */
  readonly now?: () => Date;
  /** The timers retries wait with (default the global ones). */
  readonly timers?: NotifierTimers;
  /** Told about a failure of background work (one line, no secrets); packages do not log. */
  readonly onError?: (message: string) => void;
}

/** Default retry policy of deliveries. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 300_000 };

/** Channels, routing and deliveries of alert notifications. */
export interface Notifier {
  /** Creates a channel from the REST body; INVALID_INPUT names the field (`url`, `smtp.host`, `to[0]`). */
  createChannel(input: unknown): Promise<ChannelView>;
  /** Changes a channel; secrets left out are kept, `null` removes them. */
  updateChannel(id: string, patch: unknown): Promise<ChannelView>;
  deleteChannel(id: string): Promise<void>;
  /** Every channel, without secrets (`has_secret` says whether one is stored). */
  listChannels(): Promise<ChannelView[]>;
  getChannel(id: string): Promise<ChannelView>;
  /** Per-rule routing: the channels a rule's events go to (replaces the rule's list). */
  setRuleChannels(ruleId: string, channelIds: readonly string[]): Promise<void>;
  getRuleChannels(ruleId: string): Promise<string[]>;
  /**
   * Hands an alert event to its channels (per-rule and per-severity routes) and returns at once;
   * deliveries run in the background with retries. The alerter's `onAlertEvent` hook.
   */
  dispatch(event: AlertEvent): void;
  /** Delivers a test message now, once, and says what the receiver answered. */
  sendTest(channelId: string): Promise<TestOutcome>;
  /** Delivery history, newest first. */
  listDeliveries(query?: DeliveryQuery): Promise<DeliveryView[]>;
  getDelivery(id: string): Promise<DeliveryView>;
  /** Attempts deliveries whose retry is due (call on the leader at start); returns how many. */
  resumeDue(): Promise<number>;
  /**
   * Re-encrypts the channels' secrets under the key ring's active key (after `pgmcp secrets rotate`
   * added one, before old keys are pruned); returns how many.
   */
  reencryptSecrets(): Promise<number>;
  /** Deletes finished deliveries past retention; returns how many. */
  runMaintenance(): Promise<{ deletedDeliveries: number }>;
  /** Resolves when no delivery attempt is running (tests, shutdown). */
  idle(): Promise<void>;
  /** Cancels scheduled retries (they stay due in the table), waits for running attempts, closes an owned database. */
  close(): Promise<void>;
}

/**
 * Opens (and migrates) the notifier on the datastore's PostgreSQL database.
 *
 * @example
 *   const notifier = await createNotifier({ url, keyRing: connectionStore.keyRing, hostGuard });
 *   const channel = await notifier.createChannel({ kind: 'webhook', name: 'ops', url: 'https://ops.example/hook',
 *     secret: 'a-long-shared-secret', min_severity: 'warning' });
 *   alerter.onAlertEvent = (event) => notifier.dispatch(event);
 */
export async function createNotifier(config: NotifierConfig): Promise<Notifier> {
  const owned = !config.database;
  const database =
    config.database ??
    (await openSqlDatabase({ url: requireUrl(config.url), applicationName: 'pgmcp-notifier' }));
  try {
    if (database.dialect !== 'postgres')
      throw new NotifierError(
        'INVALID_INPUT',
        'url: the notifier needs the PostgreSQL datastore, not SQLite.',
        {
          field: 'url',
        },
      );
    await runMigrations(database, notifierMigrations);
  } catch (error) {
    if (owned) await database.close();
    throw error;
  }
  const now = config.now ?? (() => new Date());
  const channels = createChannelStore(database.kysely, config.keyRing, config.hostGuard, now);
  const deliveries = createDeliveryStore(database.kysely);
  const onError = config.onError ?? (() => {});
  const dispatcher = createDispatcher({
    channels,
    deliveries,
    guard: config.hostGuard,
    retry: { ...DEFAULT_RETRY, ...config.retry },
    timeoutMs: config.timeoutMs ?? 10_000,
    timers: config.timers ?? {
      setTimeout: (run, ms) => setTimeout(run, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    },
    now,
    onError: (error) => onError(`notifier: ${error instanceof Error ? error.message : String(error)}`),
  });
  const retentionDays = config.deliveryRetentionDays ?? 30;

  return {
    createChannel: (input) => channels.create(input),
    updateChannel: (id, patch) => channels.update(id, patch),
    deleteChannel: (id) => channels.remove(id),
    listChannels: () => channels.list(),
    getChannel: (id) => channels.get(id),
    setRuleChannels: (ruleId, ids) => channels.setRuleChannels(ruleId, ids),
    getRuleChannels: (ruleId) => channels.ruleChannels(ruleId),
    dispatch: (event) => dispatcher.dispatch(event),
    sendTest: (id) => dispatcher.sendTest(id),
    listDeliveries: (query = {}) => deliveries.list(query),
    getDelivery: (id) => deliveries.get(id),
    resumeDue: () => dispatcher.resumeDue(),
    reencryptSecrets: () => channels.reencryptSecrets(),
    async runMaintenance() {
      const before = new Date(now().getTime() - retentionDays * 86_400_000);
      return { deletedDeliveries: await deliveries.prune(before) };
    },
    idle: () => dispatcher.idle(),
    async close() {
      await dispatcher.close();
      if (owned) await database.close();
    },
  };
}

function requireUrl(url: string | undefined): string {
  if (!url) throw new NotifierError('INVALID_INPUT', 'url: give `url` or `database`.', { field: 'url' });
  return url;
}
