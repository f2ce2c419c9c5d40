import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema, type PgmcpConfig } from './config-schema.js';
import { defaultDataDir } from './data-dir.js';
import { ENV_BINDINGS, OTHER_PGMCP_VARIABLES } from './env-bindings.js';
import { ConfigError } from './errors.js';
import { readSecretFile } from './secret-file.js';
import { suggestion } from './suggestion.js';

/** Flags of `pgmcp serve` (and the admin commands) that override the configuration. */
export interface ConfigFlags {
  config?: string;
  host?: string;
  port?: number;
  databaseUrl?: string;
  dataDir?: string;
  logLevel?: string;
}

type Env = Record<string, string | undefined>;

/** apps/web/dist of the checkout this package sits in (src/ and dist/ are one level below it). */
const DEFAULT_WEB_DIR = path.resolve(fileURLToPath(new URL('../../../apps/web/dist/', import.meta.url)));

/** A loaded configuration plus where it came from. */
export interface LoadedConfig {
  config: PgmcpConfig;
  /** The YAML file read, if any. */
  file?: string;
  dataDir: string;
  /** The built web client: `web_dir`, else apps/web/dist of this checkout (a path, not an import). */
  webDir: string;
  /** The auth/conversation store: `store_url`, else the SQLite file pgmcp.sqlite in the data dir. */
  storeUrl: string;
  /** The admin password from admin_password(_file) or PGMCP_ADMIN_PASSWORD(_FILE), if set. */
  adminPassword?: string;
  /**
   * The key file of stored secrets: `secret_key_file` / PGMCP_SECRET_KEY_FILE (`explicit`: it must
   * exist), else secret.key in the data dir (created on first start).
   */
  secretKeyFile: { path: string; explicit: boolean };
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

function issuePath(parts: PropertyKey[]): string {
  return parts
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

function readYaml(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`${file} must hold a mapping of settings (key: value).`);
  }
  return parsed as Record<string, unknown>;
}

/** PGMCP_* variables that pgmcp does not know, each with a suggestion. */
function unknownVariables(env: Env): string[] {
  const known = ENV_BINDINGS.map((b) => b.name);
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('PGMCP_') || name.startsWith('PGMCP_TEST_')) continue;
    if (known.includes(name) || OTHER_PGMCP_VARIABLES.has(name)) continue;
    if (name.endsWith('_FILE') && known.includes(name.slice(0, -5))) continue;
    problems.push(`unknown environment variable ${name}.${suggestion(name, known)}`);
  }
  return problems;
}

/** Cross-field rules the schema cannot express. */
function checkReferences(config: PgmcpConfig): void {
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
}

/**
 * Builds the configuration: defaults < pgmcp.yaml (`--config`, PGMCP_CONFIG, or ./pgmcp.yaml)
 * < PGMCP_* environment variables < flags. `*_file` keys and `*_FILE` variables name files
 * holding secrets. Throws ConfigError naming every bad key.
 *
 * @example
 *   const { config, dataDir, storeUrl } = loadConfig({ port: 9000 });
 */
export function loadConfig(
  flags: ConfigFlags = {},
  env: Env = process.env,
  cwd = process.cwd(),
): LoadedConfig {
  const explicitFile = flags.config ?? env.PGMCP_CONFIG;
  const file = explicitFile ? path.resolve(cwd, explicitFile) : path.join(cwd, 'pgmcp.yaml');
  const fileExists = existsSync(file);
  if (!fileExists && explicitFile) {
    throw new ConfigError(`The config file ${file} does not exist.`, 'FILE_UNREADABLE');
  }
  const raw = fileExists ? readYaml(file) : {};
  const source = fileExists ? file : 'the defaults';

  // Validate the file on its own first, so its errors name the file.
  const fromFile = ConfigSchema.safeParse(raw);
  if (!fromFile.success) throw new ConfigError(describeIssues(fromFile.error, source));

  const problems = unknownVariables(env);
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
  checkReferences(config);

  for (const [name, provider] of Object.entries(config.llm.providers)) {
    if (provider?.api_key === undefined && provider?.api_key_file) {
      provider.api_key = readSecretFile(
        path.resolve(cwd, provider.api_key_file),
        `llm.providers.${name}.api_key_file`,
      );
    }
  }
  if (config.embeddings.api_key === undefined && config.embeddings.api_key_file) {
    config.embeddings.api_key = readSecretFile(
      path.resolve(cwd, config.embeddings.api_key_file),
      'embeddings.api_key_file',
    );
  }
  const oidc = config.auth.oidc;
  if (oidc && oidc.client_secret === undefined && oidc.client_secret_file) {
    oidc.client_secret = readSecretFile(
      path.resolve(cwd, oidc.client_secret_file),
      'auth.oidc.client_secret_file',
    );
  }
  if (oidc && !oidc.client_secret) {
    throw new ConfigError(
      'auth.oidc has no client secret: set auth.oidc.client_secret_file, or PGMCP_OIDC_CLIENT_SECRET (or PGMCP_OIDC_CLIENT_SECRET_FILE).',
    );
  }
  const dataDir = path.resolve(cwd, config.data_dir ?? defaultDataDir(env));
  const adminPassword =
    config.admin_password ??
    (config.admin_password_file
      ? readSecretFile(path.resolve(cwd, config.admin_password_file), 'admin_password_file')
      : undefined);
  return {
    config,
    ...(fileExists ? { file } : {}),
    dataDir,
    webDir: config.web_dir ? path.resolve(cwd, config.web_dir) : DEFAULT_WEB_DIR,
    storeUrl: config.store_url ?? path.join(dataDir, 'pgmcp.sqlite'),
    ...(adminPassword ? { adminPassword } : {}),
    secretKeyFile: config.secret_key_file
      ? { path: path.resolve(cwd, config.secret_key_file), explicit: true }
      : { path: path.join(dataDir, 'secret.key'), explicit: false },
  };
}
