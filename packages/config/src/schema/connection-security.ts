import { z } from 'zod';
import { positiveInt } from './common.js';

/**
 * `connection_security:` — where stored connections may point (the SSRF guard). Checked after DNS
 * resolution, when a connection is saved or tested.
 */
export const ConnectionSecurityConfigSchema = z.strictObject({
  /**
   * When not empty, only these hosts may be used: host names (exact, or `*.example.com`) and IP
   * addresses or CIDR ranges (`10.1.0.0/16`). Listed entries also override the link-local block.
   */
  allowed_hosts: z.array(z.string().min(1)).default([]),
  /** Always refused: host names (exact or `*.suffix`) and IP addresses or CIDR ranges. */
  blocked_hosts: z.array(z.string().min(1)).default([]),
  /** Private networks (10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10) and loopback; on by default. */
  allow_internal_networks: z.boolean().default(true),
});

/** `connection_store:` — connections managed at runtime. */
export const ConnectionStoreConfigSchema = z.strictObject({
  /** How often each replica checks the store's change counter for connections edited elsewhere. */
  poll_interval_ms: positiveInt.default(2000),
});
