// Row type of the limiter's table (see migrations/). Times are epoch ms.

export interface RateLimitCountersTable {
  key: string;
  window_id: string;
  hits: number;
  reset_at: number;
}

export interface RateLimitTables {
  rate_limit_counters: RateLimitCountersTable;
}
