import { describe, expect, it } from 'vitest';
import type { ConnectionInfo } from './connection-config.js';
import { connectError, failureReason } from './connect-error.js';

const info: ConnectionInfo = {
  name: 'sales',
  host: 'db.internal',
  port: 5432,
  database: 'sales',
  user: 'app',
  allowWrites: false,
  statementTimeoutMs: 30_000,
  sslmode: 'disable',
  source: 'store',
  credentials: 'shared',
  isMonitored: false,
};

// Errors as node-postgres and Node's TLS layer raise them (the live cases are in test/dynamic-connections).
const cases: [string, { code?: string; message: string }, string, RegExp][] = [
  [
    'a server whose pg_hba.conf only has hostssl lines, reached without TLS',
    {
      code: '28000',
      message: 'no pg_hba.conf entry for host "10.0.0.9", user "app", database "sales", no encryption',
    },
    'tls',
    /requires TLS .*set sslmode to require/,
  ],
  [
    'a certificate that does not verify',
    { code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' },
    'tls',
    /TLS handshake failed \(SELF_SIGNED_CERT_IN_CHAIN\).*sslrootcert/,
  ],
  [
    'a role pg_hba.conf rejects',
    {
      code: '28000',
      message: 'no pg_hba.conf entry for host "10.0.0.9", user "app", database "sales", SSL encryption',
    },
    'auth',
    /refused the login of user "app"/,
  ],
  [
    'a DNS failure',
    { code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN db.internal' },
    'dns',
    /could not be resolved/,
  ],
];

describe('connect failures', () => {
  it.each(cases)('%s', (_label, error, reason, message) => {
    expect(failureReason(error)).toBe(reason);
    expect(connectError(error, info, 'sales').message).toMatch(message);
  });
});
