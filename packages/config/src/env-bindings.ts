/** One environment variable and where it lands in the configuration. */
export interface EnvBinding {
  name: string;
  path: string[];
  parse: (raw: string) => unknown;
  /** Its value may come from a file named by `<name>_FILE`, and is never logged. */
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
export const ENV_BINDINGS: readonly EnvBinding[] = [
  { name: 'PGMCP_HOST', path: ['http', 'host'], parse: asString },
  { name: 'PGMCP_PORT', path: ['http', 'port'], parse: asPort },
  { name: 'PGMCP_ALLOWED_ORIGINS', path: ['http', 'allowed_origins'], parse: asList },
  { name: 'PGMCP_DATA_DIR', path: ['data_dir'], parse: asString },
  { name: 'PGMCP_WEB_DIR', path: ['web_dir'], parse: asString },
  { name: 'PGMCP_DATABASE_URL', path: ['database_url'], parse: asString, secret: true },
  { name: 'PGMCP_LOG_LEVEL', path: ['log_level'], parse: asString },
  { name: 'PGMCP_EMBEDDED_BIN_DIR', path: ['embedded', 'bin_dir'], parse: asString },
  { name: 'PGMCP_EMBEDDED_CLUSTER_DIR', path: ['embedded', 'cluster_dir'], parse: asString },
  { name: 'PGMCP_TLS_CERT_FILE', path: ['http', 'tls', 'cert_file'], parse: asString },
  { name: 'PGMCP_TLS_KEY_FILE', path: ['http', 'tls', 'key_file'], parse: asString },
  { name: 'PGMCP_STORE_URL', path: ['store_url'], parse: asString, secret: true },
  { name: 'PGMCP_SECRET_KEY_FILE', path: ['secret_key_file'], parse: asString },
  { name: 'PGMCP_AUTH', path: ['auth', 'enabled'], parse: asSwitch },
  { name: 'PGMCP_AUDIT', path: ['audit', 'enabled'], parse: asSwitch },
  { name: 'PGMCP_DATASTORE_URL', path: ['datastore', 'url'], parse: asString, secret: true },
  { name: 'PGMCP_COLLECTOR', path: ['collector', 'enabled'], parse: asSwitch },
  { name: 'PGMCP_ALERTS', path: ['alerts', 'enabled'], parse: asSwitch },
  { name: 'PGMCP_ADMIN_PASSWORD', path: ['admin_password'], parse: asString, secret: true },
  { name: 'PGMCP_OAUTH', path: ['oauth', 'enabled'], parse: asSwitch },
  { name: 'PGMCP_OAUTH_ISSUER', path: ['oauth', 'issuer'], parse: asString },
  { name: 'PGMCP_OIDC_ISSUER', path: ['auth', 'oidc', 'issuer'], parse: asString },
  { name: 'PGMCP_OIDC_CLIENT_ID', path: ['auth', 'oidc', 'client_id'], parse: asString },
  {
    name: 'PGMCP_OIDC_CLIENT_SECRET',
    path: ['auth', 'oidc', 'client_secret'],
    parse: asString,
    secret: true,
  },
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
  { name: 'PGMCP_EMBEDDING_PROVIDER', path: ['embeddings', 'provider'], parse: asString },
  { name: 'PGMCP_EMBEDDING_MODEL', path: ['embeddings', 'model'], parse: asString },
];

/** PGMCP_* names that belong to other parts of pgmcp (clients, tests), not to the server config. */
export const OTHER_PGMCP_VARIABLES: ReadonlySet<string> = new Set([
  'PGMCP_CONFIG',
  'PGMCP_TOKEN',
  'PGMCP_SERVER',
  // Where the npm package's embedded PostgreSQL is installed on first use (@pgmcp/pg-embedded).
  'PGMCP_EMBEDDED_CACHE',
  'PGMCP_EMBEDDED_INSTALL',
]);
