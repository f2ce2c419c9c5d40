import { z } from 'zod';
import { positiveInt } from './common.js';

/** `queries:` — the SQL console's history and saved queries in the account store. */
export const QueriesConfigSchema = z.strictObject({
  /** History entries kept per user; the oldest go as new runs are recorded. */
  history_per_user: positiveInt.max(100_000, 'at most 100000').default(1000),
  /** Saved queries one user may own. */
  saved_per_user: positiveInt.max(100_000, 'at most 100000').default(500),
});
export type QueriesConfig = z.infer<typeof QueriesConfigSchema>;
