import { z } from 'zod';
import { listenPort, positiveInt } from './common.js';

/** `http:` — where the server listens and what its edge accepts. */
export const HttpConfigSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: listenPort.default(8080),
  /** Origins allowed besides the server's own (browser clients, DNS-rebinding protection). */
  allowed_origins: z.array(z.string()).default([]),
  max_body_bytes: positiveInt.default(10 * 1024 * 1024),
  /** Whole-request time limit, against slow clients. */
  request_timeout_ms: positiveInt.default(120_000),
  headers_timeout_ms: positiveInt.default(20_000),
  /**
   * TLS in process, for deployments without a TLS-terminating proxy: PEM files, read at start and
   * again on SIGHUP. On: HTTPS only, HSTS, and the session cookie is `Secure`.
   */
  tls: z.strictObject({ cert_file: z.string().min(1), key_file: z.string().min(1) }).optional(),
});
export type HttpConfig = z.infer<typeof HttpConfigSchema>;
