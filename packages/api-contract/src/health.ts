import { z } from 'zod';

/** One connection's readiness in `GET /health`. */
export const ConnectionHealthSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  latency_ms: z.number(),
  server_version: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type ConnectionHealth = z.infer<typeof ConnectionHealthSchema>;

/**
 * Answer of `GET /health`. Anonymous callers (load balancers) get only `status`; logged-in callers
 * also get the version, the store and each connection they may use.
 */
export const HealthSchema = z.object({
  /** ok: everything answers; degraded: a database is down; unavailable: the store is down (503). */
  status: z.enum(['ok', 'degraded', 'unavailable']),
  version: z.string().optional(),
  uptime_seconds: z.number().optional(),
  store: z.object({ ok: z.boolean(), dialect: z.string(), error: z.string().optional() }).optional(),
  connections: z.array(ConnectionHealthSchema).optional(),
  /** Errors nobody caught that the server survived (logged); one in the last 15 minutes degrades the status. */
  uncaught_errors: z.object({ count: z.number().int(), last_at: z.string().nullable() }).optional(),
});
export type Health = z.infer<typeof HealthSchema>;
