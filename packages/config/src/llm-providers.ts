import {
  createLlmClient,
  isLlmClientError,
  type LlmClient,
  type LlmClientOptions,
  type LlmModel,
  type LlmProvider,
  type ProviderConfig,
  redactSecrets,
} from '@pgmcp/llm-clients';
import { ConfigError } from './errors.js';
import type { LlmConfig, LlmProviderFileConfig } from './schema/llm.js';

/** What provider setup logs: warnings about half-configured providers, retries, readiness (a pino logger fits). */
export interface ProviderLogger {
  warn(message: string): void;
  info(message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

/** The providers in the order the default is picked when none is configured. */
const PROVIDER_ORDER: readonly LlmProvider[] = ['anthropic', 'openai', 'ollama'];

/** Each provider's human name and the environment variables that configure it. */
const PROVIDER_SETUP: Record<LlmProvider, { label: string; key?: string; baseUrl: string; model: string }> = {
  anthropic: {
    label: 'Anthropic',
    key: 'ANTHROPIC_API_KEY',
    baseUrl: 'PGMCP_ANTHROPIC_BASE_URL',
    model: 'claude-sonnet-4-6',
  },
  openai: { label: 'OpenAI', key: 'OPENAI_API_KEY', baseUrl: 'PGMCP_OPENAI_BASE_URL', model: 'gpt-5-mini' },
  ollama: { label: 'Ollama', baseUrl: 'OLLAMA_HOST', model: 'llama3.2' },
};

/** What the LLM routes answer when no provider is configured; the web client shows it as is. */
export const LLM_NOT_CONFIGURED_MESSAGE =
  'No LLM provider is configured on this pgmcp server. An administrator must set ANTHROPIC_API_KEY ' +
  '(or ANTHROPIC_API_KEY_FILE), OPENAI_API_KEY (or OPENAI_API_KEY_FILE; PGMCP_OPENAI_BASE_URL for an ' +
  'OpenAI-compatible server) or OLLAMA_HOST (e.g. 127.0.0.1:11434) in the server environment, or an ' +
  '"llm.providers" section in pgmcp.yaml, and restart pgmcp. PGMCP_LLM_PROVIDER and PGMCP_LLM_MODEL ' +
  'choose the default provider and model.';

/** A provider the server can call. */
export interface ConfiguredProvider {
  name: LlmProvider;
  /** Human name, e.g. "Anthropic". */
  label: string;
  defaultModel: string;
  client: LlmClient;
  /** Chat models, from the provider or from a cache younger than `llm.models_cache_seconds`. */
  listModels(signal?: AbortSignal): Promise<LlmModel[]>;
}

/** The LLM providers built from the `llm` configuration. */
export interface LlmProviders {
  /** Configured providers, in the order anthropic, openai, ollama. */
  readonly providers: readonly ConfiguredProvider[];
  /** Undefined when no provider is configured. */
  readonly defaultProvider: ConfiguredProvider | undefined;
  /** The named provider, or the default one without a name; undefined when it is not configured. */
  find(name?: string): ConfiguredProvider | undefined;
  /** Removes every configured key (and anything shaped like a credential) from a text. */
  redact(text: string): string;
  /** The `llm` settings the routes apply: limits, rate limit, keep-alive. */
  readonly settings: LlmConfig;
}

/** Whether a provider section (file + environment) makes that provider usable. */
function isConfigured(name: LlmProvider, section: LlmProviderFileConfig | undefined): boolean {
  if (!section || section.enabled === false) return false;
  switch (name) {
    case 'anthropic':
      return section.api_key !== undefined;
    case 'openai':
      // OpenAI-compatible servers (vLLM, LM Studio, llama.cpp) often need no key, only a URL.
      return section.api_key !== undefined || section.base_url !== undefined;
    case 'ollama':
      return section.enabled === true || section.base_url !== undefined;
  }
}

/**
 * Builds one LlmClient per configured provider. Throws ConfigError naming the key when a setting
 * is wrong (a bad base URL, an empty key file, a default provider that is not configured).
 *
 * @example
 *   const llm = createLlmProviders(loaded.config.llm, logger);
 *   const provider = llm.find(); // the default provider, if any
 */
export function createLlmProviders(settings: LlmConfig, logger: ProviderLogger): LlmProviders {
  const secrets: string[] = [];
  const providers: ConfiguredProvider[] = [];
  for (const name of PROVIDER_ORDER) {
    const section = settings.providers[name];
    const setup = PROVIDER_SETUP[name];
    if (!isConfigured(name, section)) {
      if (section && section.enabled !== false && setup.key) {
        logger.warn(
          `llm.providers.${name} has settings but no API key, so ${setup.label} is not available: set ${setup.key} or llm.providers.${name}.api_key(_file).`,
        );
      }
      continue;
    }
    const config = section!;
    if (config.api_key !== undefined) {
      if (config.api_key.trim() === '') {
        throw new ConfigError(
          `llm.providers.${name}.api_key is empty (check ${setup.key ?? 'the key'}_FILE or api_key_file).`,
        );
      }
      secrets.push(config.api_key);
    }
    const isDefault =
      settings.default_provider === name || (!settings.default_provider && providers.length === 0);
    const defaultModel =
      (isDefault ? settings.default_model : undefined) ?? config.default_model ?? setup.model;
    let client: LlmClient;
    try {
      const options: LlmClientOptions = {
        ...(config.api_key !== undefined ? { apiKey: config.api_key } : {}),
        ...(config.base_url !== undefined ? { baseUrl: config.base_url } : {}),
        defaultModel,
        ...(config.timeout_ms !== undefined ? { timeoutMs: config.timeout_ms } : {}),
        ...(config.max_retries !== undefined ? { maxRetries: config.max_retries } : {}),
        onRetry: ({ attempt, delayMs, error }) =>
          logger.info(
            { provider: name, attempt, delay_ms: delayMs, code: error.code },
            'retrying the LLM provider',
          ),
      };
      // Every provider's config is LlmClientOptions plus optional extras, so the union holds.
      client = createLlmClient({ provider: name, ...options } as ProviderConfig);
    } catch (error) {
      if (isLlmClientError(error, 'BAD_CONFIG')) {
        throw new ConfigError(
          `llm.providers.${name}: ${redactSecrets(error.message, secrets)} (base_url comes from ${setup.baseUrl} or the config file).`,
        );
      }
      throw error;
    }
    providers.push({
      name,
      label: setup.label,
      defaultModel,
      client,
      listModels: cachedModels(client, settings.models_cache_seconds * 1000),
    });
  }

  const wanted = settings.default_provider;
  const defaultProvider = wanted ? providers.find((p) => p.name === wanted) : providers[0];
  if (wanted && !defaultProvider) {
    const setup = PROVIDER_SETUP[wanted];
    throw new ConfigError(
      `llm.default_provider (PGMCP_LLM_PROVIDER) is "${wanted}", but ${setup.label} is not configured: set ${setup.key ?? setup.baseUrl}${setup.key ? '' : ' or llm.providers.ollama.enabled'}${providers.length > 0 ? ` or choose one of ${providers.map((p) => p.name).join(', ')}` : ''}.`,
    );
  }
  if (defaultProvider) {
    logger.info(
      {
        providers: providers.map((p) => `${p.name} (${p.defaultModel})`),
        default_provider: defaultProvider.name,
      },
      'LLM proxy ready',
    );
  } else {
    logger.info(
      'No LLM provider configured: the LLM proxy answers 503 until one is (see ANTHROPIC_API_KEY, OPENAI_API_KEY, OLLAMA_HOST).',
    );
  }

  return {
    providers,
    defaultProvider,
    find: (name) => (name === undefined ? defaultProvider : providers.find((p) => p.name === name)),
    redact: (text) => redactSecrets(text, secrets),
    settings,
  };
}

/** listModels with a short cache; failures are not cached, so the next call asks again. */
function cachedModels(client: LlmClient, ttlMs: number): ConfiguredProvider['listModels'] {
  let cached: { at: number; models: LlmModel[] } | undefined;
  return async (signal) => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.models;
    const models = await client.listModels(signal ? { signal } : {});
    cached = { at: Date.now(), models };
    return models;
  };
}

/** Human name of a provider for messages, e.g. "Anthropic". */
export function providerLabel(name: string): string {
  return PROVIDER_SETUP[name as LlmProvider]?.label ?? name;
}

/** The variable that holds a provider's key, for messages that tell an administrator what to fix. */
export function providerKeyVariable(name: string): string | undefined {
  return PROVIDER_SETUP[name as LlmProvider]?.key;
}
