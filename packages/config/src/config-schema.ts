import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** A start-up configuration problem; the message names the key or variable and what is wrong. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const port = z.number().int().min(1).max(65535);
/** A listening port; 0 lets the system pick a free one. */
const listenPort = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();

const PoolSchema = z.strictObject({
  max: positiveInt.optional(),
  idle_timeout_ms: positiveInt.optional(),
  max_lifetime_seconds: positiveInt.optional(),
  connect_timeout_ms: positiveInt.optional(),
});

/** One database connection of the config file. */
export const ConnectionConfigSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,63}$/, 'use 1-63 letters, digits, "_", "." or "-"'),
  description: z.string().optional(),
  url: z.string().optional(),
  url_file: z.string().optional(),
  host: z.string().optional(),
  port: port.optional(),
  database: z.string().optional(),
  user: z.string().optional(),
  password: z.string().optional(),
  password_file: z.string().optional(),
  sslmode: z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']).optional(),
  sslrootcert: z.string().optional(),
  sslcert: z.string().optional(),
  sslkey: z.string().optional(),
  allow_writes: z.boolean().default(false),
  allowed_databases: z.array(z.string()).optional(),
  statement_timeout_ms: z.number().int().min(0).optional(),
  pool: PoolSchema.optional(),
});
export type ConnectionFileConfig = z.infer<typeof ConnectionConfigSchema>;

// --- LLM proxy, compaction and conversations (llm-providers.ts reads these) ---
/** One LLM provider of `llm.providers`; `api_key_file` names a file holding the key. */
const LlmProviderConfigSchema = z.strictObject({
  /** false switches the provider off even when its key is in the environment. */
  enabled: z.boolean().optional(),
  api_key: z.string().min(1).optional(),
  api_key_file: z.string().optional(),
  base_url: z.string().optional(),
  default_model: z.string().min(1).optional(),
  /** Per attempt; a stream must deliver every event within it. */
  timeout_ms: positiveInt.optional(),
  max_retries: z.number().int().min(0).max(10).optional(),
});
export type LlmProviderFileConfig = z.infer<typeof LlmProviderConfigSchema>;

const LlmConfigSchema = z.strictObject({
  default_provider: z.enum(['anthropic', 'openai', 'ollama']).optional(),
  /** Model of the default provider (the others keep their own default_model). */
  default_model: z.string().min(1).optional(),
  providers: z
    .strictObject({
      anthropic: LlmProviderConfigSchema.optional(),
      openai: LlmProviderConfigSchema.optional(),
      ollama: LlmProviderConfigSchema.optional(),
    })
    .prefault({}),
  /** Model calls per user and minute (0: no limit). */
  requests_per_minute: z.number().int().min(0).default(60),
  max_messages: positiveInt.default(1000),
  max_request_bytes: positiveInt.default(4 * 1024 * 1024),
  models_cache_seconds: z.number().min(0).default(60),
  /** SSE comment sent when the model has been silent this long, so proxies keep the stream open. */
  keepalive_seconds: z.number().positive().default(15),
});
export type LlmConfig = z.infer<typeof LlmConfigSchema>;
// --- end LLM ---

/** The whole configuration: pgmcp.yaml keys, overridden by PGMCP_* variables, overridden by flags. */
export const ConfigSchema = z.strictObject({
  http: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: listenPort.default(8080),
      /** Origins allowed besides loopback (browser clients, DNS-rebinding protection). */
      allowed_origins: z.array(z.string()).default([]),
      max_body_bytes: positiveInt.default(10 * 1024 * 1024),
      /** Whole-request time limit, against slow clients. */
      request_timeout_ms: positiveInt.default(120_000),
      headers_timeout_ms: positiveInt.default(20_000),
    })
    .prefault({}),
  data_dir: z.string().optional(),
  /** The built web client served at / (default: apps/web/dist of this checkout). */
  web_dir: z.string().optional(),
  /** One connection named "default", instead of the embedded demo database. */
  database_url: z.string().optional(),
  connections: z.array(ConnectionConfigSchema).default([]),
  default_connection: z.string().optional(),
  limits: z
    .strictObject({
      default_rows: z.number().int().min(1).max(1000).default(100),
      max_rows: z.number().int().min(1).max(10_000).default(1000),
      max_output_bytes: positiveInt.default(1024 * 1024),
    })
    .prefault({}),
  /** The embedded PostgreSQL with the demo database, used when no connection is configured. */
  embedded: z
    .strictObject({
      /** A bin directory of installed PostgreSQL programs instead of the npm-shipped ones. */
      bin_dir: z.string().optional(),
    })
    .prefault({}),
  /** Where users, tokens and conversations live: a SQLite path or a postgres:// URL (default: pgmcp.sqlite in the data dir). */
  store_url: z.string().optional(),
  auth: z
    .strictObject({
      /** off: no login, single local user; allowed only while bound to loopback. */
      enabled: z.boolean().default(true),
      session_ttl_hours: z
        .number()
        .positive()
        .max(24 * 90)
        .default(24),
      lockout: z
        .strictObject({ max_failures: positiveInt.default(5), minutes: z.number().positive().default(15) })
        .prefault({}),
      ip_rate_limit: z
        .strictObject({
          max_failures: positiveInt.default(10),
          window_minutes: z.number().positive().default(15),
        })
        .prefault({}),
      /** Proxies (IP addresses) whose X-Forwarded-For and X-Forwarded-Proto are believed. */
      trusted_proxies: z.array(z.string()).default([]),
      /** bcrypt cost of new password hashes (12; lower only for tests). */
      bcrypt_cost: z.number().int().min(4).max(15).default(12),
    })
    .prefault({}),
  /** Password of the `admin` superuser created on first start; generated and printed once when unset. */
  admin_password: z.string().optional(),
  admin_password_file: z.string().optional(),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The LLM proxy: providers, keys, defaults and per-user limits. */
  llm: LlmConfigSchema.prefault({}),
  /** The server's one compactor (POST /api/v1/chat/compact). */
  compaction: z
    .strictObject({
      cache_ttl_seconds: z.number().positive().default(3600),
      cache_max_entries: positiveInt.default(100),
      /** Model of the default provider that writes LLM summaries (default: that provider's default model). */
      summary_model: z.string().min(1).optional(),
      summary_timeout_ms: positiveInt.default(15_000),
    })
    .prefault({}),
  /** Size limits of one stored conversation. */
  conversations: z
    .strictObject({
      max_messages: positiveInt.default(5000),
      max_bytes: positiveInt.default(8 * 1024 * 1024),
    })
    .prefault({}),
});
export type PgmcpConfig = z.infer<typeof ConfigSchema>;

/** Flags of `pgmcp serve` that override the configuration. */
export interface ConfigFlags {
  config?: string;
  host?: string;
  port?: number;
  databaseUrl?: string;
  dataDir?: string;
  logLevel?: string;
}

type Env = Record<string, string | undefined>;

interface EnvBinding {
  name: string;
  path: string[];
  parse: (raw: string) => unknown;
  secret?: boolean;
}

const asString = (raw: string) => raw;
const asPort = (raw: string) => {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n > 65535) {
    throw new Error(`expected a port number 0-65535 (0 picks a free port), got "${raw}"`);
  }
  return n;
};
const asSwitch = (raw: string) => {
  const value = raw.trim().toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(value)) return true;
  if (['off', 'false', '0', 'no'].includes(value)) return false;
  throw new Error(`expected on or off, got "${raw}"`);
};
/** OLLAMA_HOST as Ollama itself reads it: `host`, `host:port` or a URL; a bind-all address means this machine. */
const asOllamaHost = (raw: string) => {
  const value = raw.trim();
  const withScheme = /^https?:\/\//i.test(value) ? value : `http://${value}`;
  if (!URL.canParse(withScheme)) throw new Error(`expected host, host:port or an http(s) URL, got "${raw}"`);
  const url = new URL(withScheme);
  if (!url.port && withScheme !== value) url.port = '11434';
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (url.hostname === '[::]') url.hostname = '[::1]';
  return url.toString().replace(/\/+$/, '');
};
const asList = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Environment variables the server reads, and where each lands in the configuration. */
const ENV_BINDINGS: EnvBinding[] = [
  { name: 'PGMCP_HOST', path: ['http', 'host'], parse: asString },
  { name: 'PGMCP_PORT', path: ['http', 'port'], parse: asPort },
  { name: 'PGMCP_ALLOWED_ORIGINS', path: ['http', 'allowed_origins'], parse: asList },
  { name: 'PGMCP_DATA_DIR', path: ['data_dir'], parse: asString },
  { name: 'PGMCP_WEB_DIR', path: ['web_dir'], parse: asString },
  { name: 'PGMCP_DATABASE_URL', path: ['database_url'], parse: asString, secret: true },
  { name: 'PGMCP_LOG_LEVEL', path: ['log_level'], parse: asString },
  { name: 'PGMCP_EMBEDDED_BIN_DIR', path: ['embedded', 'bin_dir'], parse: asString },
  { name: 'PGMCP_STORE_URL', path: ['store_url'], parse: asString, secret: true },
  { name: 'PGMCP_AUTH', path: ['auth', 'enabled'], parse: asSwitch },
  { name: 'PGMCP_ADMIN_PASSWORD', path: ['admin_password'], parse: asString, secret: true },
  { name: 'PGMCP_TRUSTED_PROXIES', path: ['auth', 'trusted_proxies'], parse: asList },
  {
    name: 'ANTHROPIC_API_KEY',
    path: ['llm', 'providers', 'anthropic', 'api_key'],
    parse: asString,
    secret: true,
  },
  { name: 'OPENAI_API_KEY', path: ['llm', 'providers', 'openai', 'api_key'], parse: asString, secret: true },
  { name: 'PGMCP_ANTHROPIC_BASE_URL', path: ['llm', 'providers', 'anthropic', 'base_url'], parse: asString },
  { name: 'PGMCP_OPENAI_BASE_URL', path: ['llm', 'providers', 'openai', 'base_url'], parse: asString },
  { name: 'OLLAMA_HOST', path: ['llm', 'providers', 'ollama', 'base_url'], parse: asOllamaHost },
  { name: 'PGMCP_LLM_PROVIDER', path: ['llm', 'default_provider'], parse: asString },
  { name: 'PGMCP_LLM_MODEL', path: ['llm', 'default_model'], parse: asString },
];

/** PGMCP_* names that belong to other parts of pgmcp (clients, tests), not to the server config. */
const OTHER_PGMCP_VARIABLES = new Set(['PGMCP_CONFIG', 'PGMCP_TOKEN', 'PGMCP_SERVER']);
/** Names later features will read; accepted now so that a deployment can set them early. */
const RESERVED_VARIABLES = new Set<string>();

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** ` Did you mean x?` when one of `candidates` is close to `name` (case-insensitive), else ''. */
export function suggestion(name: string, candidates: readonly string[]): string {
  const best = candidates
    .map((candidate) => ({ candidate, distance: levenshtein(name.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance)[0];
  return best && best.distance <= Math.max(2, Math.floor(name.length / 4))
    ? ` Did you mean ${best.candidate}?`
    : '';
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function readSecretFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new ConfigError(`${what}: cannot read the file ${file}.`);
  }
}

function issuePath(issuePathParts: PropertyKey[]): string {
  return issuePathParts
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

/** Turns zod issues into one message per problem, each naming the key. */
function describeIssues(error: z.ZodError, source: string): string {
  return error.issues
    .map((issue) => {
      const where = issuePath(issue.path);
      if (issue.code === 'unrecognized_keys') {
        const prefix = where ? `${where}.` : '';
        return issue.keys.map((key) => `unknown key "${prefix}${key}" in ${source}`).join('\n');
      }
      return `${where || '(root)'}: ${issue.message} (in ${source})`;
    })
    .join('\n');
}

/** The default data directory: $XDG_DATA_HOME/pgmcp or ~/.local/share/pgmcp. */
export function defaultDataDir(env: Env): string {
  const base = env.XDG_DATA_HOME || path.join(env.HOME || homedir(), '.local', 'share');
  return path.join(base, 'pgmcp');
}

/** A loaded configuration plus where it came from. */
export interface LoadedConfig {
  config: PgmcpConfig;
  /** The YAML file read, if any. */
  file?: string;
  dataDir: string;
  /** The built web client: `web_dir`, else apps/web/dist next to this package (a path, not an import). */
  webDir: string;
  /** The auth/conversation store: `store_url`, else the SQLite file pgmcp.sqlite in the data dir. */
  storeUrl: string;
  /** The admin password from admin_password(_file) or PGMCP_ADMIN_PASSWORD(_FILE), if set. */
  adminPassword?: string;
}

/**
 * Builds the configuration: defaults < pgmcp.yaml (`--config`, PGMCP_CONFIG, or ./pgmcp.yaml)
 * < PGMCP_* environment variables < flags. `*_file` keys and `*_FILE` variables name files
 * holding secrets. Throws ConfigError naming every bad key.
 */
export function loadConfig(
  flags: ConfigFlags = {},
  env: Env = process.env,
  cwd = process.cwd(),
): LoadedConfig {
  const explicitFile = flags.config ?? env.PGMCP_CONFIG;
  const file = explicitFile ? path.resolve(cwd, explicitFile) : path.join(cwd, 'pgmcp.yaml');
  let raw: Record<string, unknown> = {};
  let source = 'the defaults';
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(`${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new ConfigError(`${file} must hold a mapping of settings (key: value).`);
      }
      raw = parsed as Record<string, unknown>;
    }
    source = file;
  } else if (explicitFile) {
    throw new ConfigError(`The config file ${file} does not exist.`);
  }

  // Validate the file on its own first, so its errors name the file.
  const fromFile = ConfigSchema.safeParse(raw);
  if (!fromFile.success) throw new ConfigError(describeIssues(fromFile.error, source));

  const known = ENV_BINDINGS.map((b) => b.name);
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('PGMCP_') || name.startsWith('PGMCP_TEST_')) continue;
    if (known.includes(name) || OTHER_PGMCP_VARIABLES.has(name) || RESERVED_VARIABLES.has(name)) continue;
    if (name.endsWith('_FILE') && known.includes(name.slice(0, -5))) continue;
    problems.push(
      `unknown environment variable ${name}.${suggestion(name, [...known, ...RESERVED_VARIABLES])}`,
    );
  }
  const merged = structuredClone(raw);
  for (const binding of ENV_BINDINGS) {
    let value = env[binding.name];
    const fileName = env[`${binding.name}_FILE`];
    if (value === undefined && fileName && binding.secret)
      value = readSecretFile(fileName, `${binding.name}_FILE`);
    if (value === undefined || value === '') continue;
    try {
      setPath(merged, binding.path, binding.parse(value));
    } catch (error) {
      problems.push(`${binding.name}: ${(error as Error).message}`);
    }
  }
  if (flags.host !== undefined) setPath(merged, ['http', 'host'], flags.host);
  if (flags.port !== undefined) setPath(merged, ['http', 'port'], flags.port);
  if (flags.databaseUrl !== undefined) setPath(merged, ['database_url'], flags.databaseUrl);
  if (flags.dataDir !== undefined) setPath(merged, ['data_dir'], flags.dataDir);
  if (flags.logLevel !== undefined) setPath(merged, ['log_level'], flags.logLevel);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));

  const result = ConfigSchema.safeParse(merged);
  if (!result.success)
    throw new ConfigError(describeIssues(result.error, `${source}, environment and flags`));
  const config = result.data;

  const names = new Set<string>();
  for (const connection of config.connections) {
    if (names.has(connection.name))
      throw new ConfigError(`connections: the name "${connection.name}" is used twice.`);
    names.add(connection.name);
  }
  if (config.database_url && names.has('default')) {
    throw new ConfigError(
      'database_url (PGMCP_DATABASE_URL) defines the connection "default", which connections already has.',
    );
  }
  const allNames = [...names, ...(config.database_url ? ['default'] : [])];
  if (config.default_connection && !allNames.includes(config.default_connection)) {
    throw new ConfigError(
      `default_connection: there is no connection "${config.default_connection}" (known: ${allNames.join(', ') || 'none'}).`,
    );
  }
  if (config.limits.default_rows > config.limits.max_rows) {
    throw new ConfigError('limits.default_rows cannot be larger than limits.max_rows.');
  }
  for (const [name, provider] of Object.entries(config.llm.providers)) {
    if (provider?.api_key === undefined && provider?.api_key_file) {
      provider.api_key = readSecretFile(
        path.resolve(cwd, provider.api_key_file),
        `llm.providers.${name}.api_key_file`,
      );
    }
  }
  const dataDir = path.resolve(cwd, config.data_dir ?? defaultDataDir(env));
  const adminPassword =
    config.admin_password ??
    (config.admin_password_file
      ? readSecretFile(path.resolve(cwd, config.admin_password_file), 'admin_password_file')
      : undefined);
  return {
    config,
    ...(existsSync(file) ? { file } : {}),
    dataDir,
    webDir: path.resolve(cwd, config.web_dir ?? fileURLToPath(new URL('../../web/dist/', import.meta.url))),
    storeUrl: config.store_url ?? path.join(dataDir, 'pgmcp.sqlite'),
    ...(adminPassword ? { adminPassword } : {}),
  };
}

/** Resolves `*_file` secrets of a connection and returns the pool-manager form. */
export function toPoolConnection(connection: ConnectionFileConfig) {
  const url =
    connection.url ??
    (connection.url_file
      ? readSecretFile(connection.url_file, `connections "${connection.name}" url_file`)
      : undefined);
  const password =
    connection.password ??
    (connection.password_file
      ? readSecretFile(connection.password_file, `connections "${connection.name}" password_file`)
      : undefined);
  return {
    name: connection.name,
    ...(connection.description ? { description: connection.description } : {}),
    ...(url ? { url } : {}),
    ...(connection.host ? { host: connection.host } : {}),
    ...(connection.port ? { port: connection.port } : {}),
    ...(connection.database ? { database: connection.database } : {}),
    ...(connection.user ? { user: connection.user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(connection.sslmode ? { sslmode: connection.sslmode } : {}),
    ...(connection.sslrootcert ? { sslrootcert: connection.sslrootcert } : {}),
    ...(connection.sslcert ? { sslcert: connection.sslcert } : {}),
    ...(connection.sslkey ? { sslkey: connection.sslkey } : {}),
    allowWrites: connection.allow_writes,
    ...(connection.allowed_databases ? { allowedDatabases: connection.allowed_databases } : {}),
    ...(connection.statement_timeout_ms !== undefined
      ? { statementTimeoutMs: connection.statement_timeout_ms }
      : {}),
    ...(connection.pool
      ? {
          pool: {
            ...(connection.pool.max ? { max: connection.pool.max } : {}),
            ...(connection.pool.idle_timeout_ms ? { idleTimeoutMs: connection.pool.idle_timeout_ms } : {}),
            ...(connection.pool.max_lifetime_seconds
              ? { maxLifetimeSeconds: connection.pool.max_lifetime_seconds }
              : {}),
            ...(connection.pool.connect_timeout_ms
              ? { connectTimeoutMs: connection.pool.connect_timeout_ms }
              : {}),
          },
        }
      : {}),
  };
}
