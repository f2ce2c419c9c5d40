// The limiter.
export { createRateLimiter, type RateLimiterConfig } from './rate-limiter.js';
export type { RateLimiter, RateLimitHit, RateLimitRule, RateLimitStatus } from './types.js';

// Its migrations, for tools that prepare a store ahead of time.
export { rateLimitMigrations } from './migrations/index.js';

// Errors.
export { RateLimiterError, type RateLimiterErrorCode } from './errors.js';
