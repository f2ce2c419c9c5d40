import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/index.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function dirWith(yaml?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pgmcp-config-'));
  made.push(dir);
  if (yaml !== undefined) writeFileSync(path.join(dir, 'pgmcp.yaml'), yaml);
  return dir;
}

const load = (yaml: string | undefined, env: Record<string, string> = {}, flags = {}) =>
  loadConfig(flags, env, dirWith(yaml));

describe('loadConfig', () => {
  it('has safe defaults without any file or variable', () => {
    const { config, file, dataDir } = load(undefined, { HOME: '/home/ann' });
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8080, max_body_bytes: 10 * 1024 * 1024 });
    expect(config.limits).toEqual({
      default_rows: 100,
      max_rows: 1000,
      max_output_bytes: 1024 * 1024,
      max_sessions: 50,
      max_sessions_per_user: 10,
      concurrent_statements_per_token: 8,
      mcp_calls_per_minute: 1200,
      rest_requests_per_minute: 1200,
      groups: {},
    });
    expect(config.connections).toEqual([]);
    expect(file).toBeUndefined();
    expect(dataDir).toBe('/home/ann/.local/share/pgmcp');
  });

  it('reads pgmcp.yaml, lets PGMCP_* variables override it and flags override both', () => {
    const yaml =
      'http:\n  port: 9000\n  host: 127.0.0.1\nlog_level: debug\nconnections:\n  - name: main\n    url: postgres://u@h/db\n    allow_writes: true\n';
    const fromFile = load(yaml);
    expect(fromFile.config.http.port).toBe(9000);
    expect(fromFile.config.connections[0]).toMatchObject({ name: 'main', allow_writes: true });
    expect(load(yaml, { PGMCP_PORT: '9100' }).config.http.port).toBe(9100);
    expect(load(yaml, { PGMCP_PORT: '9100' }, { port: 9200 }).config.http.port).toBe(9200);
    expect(load(yaml, { PGMCP_LOG_LEVEL: 'warn' }).config.log_level).toBe('warn');
    expect(
      load(undefined, { PGMCP_ALLOWED_ORIGINS: 'https://a.example, https://b.example' }).config.http
        .allowed_origins,
    ).toEqual(['https://a.example', 'https://b.example']);
  });

  it('names unknown keys, wherever they are', () => {
    expect(() => load('http:\n  prot: 1\nlimit: 3\n')).toThrow(
      /unknown key "http\.prot" in .*pgmcp\.yaml\nunknown key "limit" in/,
    );
    expect(() => load('connections:\n  - name: a\n    pasword: x\n')).toThrow(
      /unknown key "connections\[0\]\.pasword"/,
    );
  });

  it('names bad values and the key they belong to', () => {
    expect(() => load('http:\n  port: 70000\n')).toThrow(ConfigError);
    expect(() => load('http:\n  port: 70000\n')).toThrow(/^http\.port: Too big/);
    expect(() => load('log_level: loud\n')).toThrow(/^log_level: Invalid option/);
    expect(() => load('connections:\n  - name: "bad name"\n')).toThrow(
      /connections\[0\]\.name: use 1-63 letters/,
    );
    expect(() => load('- just\n- a list\n')).toThrow(/must hold a mapping of settings/);
    expect(() => load('http: [unclosed\n')).toThrow(/is not valid YAML/);
  });

  it('refuses nonsense limits, naming the key', () => {
    expect(() => load('limits:\n  mcp_calls_per_minute: -5\n')).toThrow(
      /^limits\.mcp_calls_per_minute: at least 0 \(0: no limit\)/,
    );
    expect(() => load('limits:\n  rest_requests_per_minute: lots\n')).toThrow(
      /^limits\.rest_requests_per_minute: Invalid input: expected number, received string/,
    );
    expect(() => load('limits:\n  concurrent_statements_per_token: 0\n')).toThrow(
      /^limits\.concurrent_statements_per_token: Too small/,
    );
    expect(() => load('limits:\n  mcp_calls_per_minute: 2.5\n')).toThrow(
      /^limits\.mcp_calls_per_minute: a whole number of calls/,
    );
    expect(() => load('limits:\n  groups:\n    analysts:\n      mcp_calls_per_minute: -1\n')).toThrow(
      /^limits\.groups\.analysts\.mcp_calls_per_minute: at least 0/,
    );
    expect(() => load('limits:\n  groups:\n    analysts:\n      calls: 10\n')).toThrow(
      /unknown key "limits\.groups\.analysts\.calls"/,
    );
    const { config } = load(
      'limits:\n  mcp_calls_per_minute: 0\n  groups:\n    ops:\n      rest_requests_per_minute: 50\n',
    );
    expect(config.limits).toMatchObject({
      mcp_calls_per_minute: 0,
      groups: { ops: { rest_requests_per_minute: 50 } },
    });
  });

  it('names bad and unknown environment variables, suggesting the right one', () => {
    expect(() => load(undefined, { PGMCP_PORT: 'eighty' })).toThrow(
      'PGMCP_PORT: expected a port number 0-65535 (0 picks a free port), got "eighty"',
    );
    expect(() => load(undefined, { PGMCP_PROT: '8080' })).toThrow(
      'unknown environment variable PGMCP_PROT. Did you mean PGMCP_PORT?',
    );
    expect(() =>
      load(undefined, { PGMCP_TEST_SOMETHING: 'x', PGMCP_TOKEN: 't', PGMCP_AUTH: 'on' }),
    ).not.toThrow();
  });

  it('reads secrets from files', () => {
    const dir = dirWith();
    const secret = path.join(dir, 'db-url');
    writeFileSync(secret, 'postgres://u:p@h/db\n');
    expect(loadConfig({}, { PGMCP_DATABASE_URL_FILE: secret }, dir).config.database_url).toBe(
      'postgres://u:p@h/db',
    );
    expect(() => loadConfig({}, { PGMCP_DATABASE_URL_FILE: path.join(dir, 'missing') }, dir)).toThrow(
      /PGMCP_DATABASE_URL_FILE: cannot read the file/,
    );
  });

  it('reads single sign-on settings, its client secret from a file or the environment', () => {
    const dir = dirWith(
      [
        'auth:',
        '  oidc:',
        '    issuer: https://login.example.com/realms/acme/',
        '    client_id: pgmcp',
        '    client_secret_file: oidc-secret',
        '    name: Acme',
        '    group_mapping: { pgmcp-admins: admins, data: [analysts, readers] }',
        '    local_passwords: admins_only',
      ].join('\n'),
    );
    writeFileSync(path.join(dir, 'oidc-secret'), 's3cret\n');
    const { oidc } = loadConfig({}, {}, dir).config.auth;
    expect(oidc).toMatchObject({
      issuer: 'https://login.example.com/realms/acme',
      client_secret: 's3cret',
      scopes: ['openid', 'profile', 'email'],
      groups_claim: 'groups',
      group_mapping: { 'pgmcp-admins': 'admins', data: ['analysts', 'readers'] },
      local_passwords: 'admins_only',
    });
    const fromEnv = load(undefined, {
      PGMCP_OIDC_ISSUER: 'https://sso.example.org',
      PGMCP_OIDC_CLIENT_ID: 'pgmcp',
      PGMCP_OIDC_CLIENT_SECRET: 'from-env',
    }).config.auth.oidc;
    expect(fromEnv).toMatchObject({ issuer: 'https://sso.example.org', client_secret: 'from-env' });
    expect(() => load('auth:\n  oidc:\n    issuer: https://sso.example.org\n    client_id: pgmcp\n')).toThrow(
      /auth\.oidc has no client secret/,
    );
    expect(() => load('auth:\n  oidc:\n    issuer: http://sso.example.org\n    client_id: x\n')).toThrow(
      /auth\.oidc\.issuer/,
    );
  });

  it('checks references between settings', () => {
    expect(() => load('default_connection: nope\nconnections:\n  - name: main\n')).toThrow(
      'default_connection: there is no connection "nope" (known: main).',
    );
    expect(() => load('connections:\n  - name: a\n  - name: a\n')).toThrow('the name "a" is used twice');
    expect(() => load('limits:\n  default_rows: 500\n  max_rows: 100\n')).toThrow(
      /default_rows cannot be larger/,
    );
  });

  it('resolves the store, auth switches and the admin password', () => {
    const defaults = load(undefined, { HOME: '/home/ann' });
    expect(defaults.storeUrl).toBe('/home/ann/.local/share/pgmcp/pgmcp.sqlite');
    expect(defaults.config.auth).toMatchObject({ enabled: true, session_ttl_hours: 24, bcrypt_cost: 12 });
    expect(defaults.adminPassword).toBeUndefined();
    const custom = load('auth:\n  lockout:\n    max_failures: 3\n', {
      PGMCP_STORE_URL: 'postgres://u@h/store',
      PGMCP_AUTH: 'off',
      PGMCP_ADMIN_PASSWORD: 'correct horse battery',
    });
    expect(custom.storeUrl).toBe('postgres://u@h/store');
    expect(custom.config.auth).toMatchObject({ enabled: false, lockout: { max_failures: 3, minutes: 15 } });
    expect(custom.adminPassword).toBe('correct horse battery');
    expect(() => load(undefined, { PGMCP_AUTH: 'maybe' })).toThrow(
      'PGMCP_AUTH: expected on or off, got "maybe"',
    );
  });

  it('reads the datastore and collector sections, with PGMCP_DATASTORE_URL and PGMCP_COLLECTOR', () => {
    const defaults = load(undefined).config;
    expect(defaults.datastore).toEqual({ raw_retention_days: 7, hourly_retention_days: 90 });
    expect(defaults.collector).toMatchObject({ enabled: true, interval_scale: 1, intervals: {} });
    const { config } = load(
      'datastore:\n  raw_retention_days: 3\ncollector:\n  intervals:\n    statements: 120\nconnections:\n  - name: shop\n    url: postgres://h/shop\n    is_monitored: true\n',
      { PGMCP_DATASTORE_URL: 'postgres://m/metrics', PGMCP_COLLECTOR: 'off' },
    );
    expect(config.datastore).toMatchObject({ url: 'postgres://m/metrics', raw_retention_days: 3 });
    expect(config.collector).toMatchObject({ enabled: false, intervals: { statements: 120 } });
    expect(config.connections[0]?.is_monitored).toBe(true);
    expect(() => load('datastore:\n  url: /tmp/metrics.db\n')).toThrow(
      /^datastore\.url: the datastore needs PostgreSQL/,
    );
    expect(() => load('datastore:\n  raw_retention_days: 0\n')).toThrow(/^datastore\.raw_retention_days/);
  });

  it('reads the alerts section, with PGMCP_ALERTS', () => {
    expect(load(undefined).config.alerts).toEqual({
      enabled: true,
      evaluation_interval_s: 30,
      reopen_window_s: 3600,
      baseline_interval_s: 3600,
      baseline_lookback_days: 28,
      retention_days: 90,
    });
    const { config } = load('alerts:\n  reopen_window_s: 600\n', { PGMCP_ALERTS: 'off' });
    expect(config.alerts).toMatchObject({ enabled: false, reopen_window_s: 600 });
    expect(() => load('alerts:\n  reopen_window_s: soon\n')).toThrow(/^alerts\.reopen_window_s/);
    expect(() => load('alerts:\n  evaluation_interval_s: 0\n')).toThrow(/^alerts\.evaluation_interval_s/);
  });

  it('reads the notifications section', () => {
    expect(load(undefined).config.notifications).toEqual({
      retry_attempts: 5,
      retry_base_delay_ms: 10_000,
      retry_max_delay_ms: 300_000,
      timeout_ms: 10_000,
      delivery_retention_days: 30,
    });
    expect(load('notifications:\n  retry_attempts: 2\n').config.notifications.retry_attempts).toBe(2);
    expect(() => load('notifications:\n  timeout_ms: soon\n')).toThrow(/^notifications\.timeout_ms/);
    expect(() => load('notifications:\n  retries: 3\n')).toThrow(/notifications/);
  });

  it('reports a missing explicit config file', () => {
    expect(() => loadConfig({ config: 'nope.yaml' }, {}, dirWith())).toThrow(
      /The config file .*nope\.yaml does not exist/,
    );
  });
});
