import type { Connection, LlmModel, LlmProviderInfo } from '@pgmcp/api-contract';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ApiClient } from '@pgmcp/api-contract';
import { isApiError } from '@pgmcp/api-contract';
import { errorMessage } from '../api/error-message.js';

/** localStorage key of the chosen provider and model (a preference, not a secret). */
export const LLM_CHOICE_KEY = 'pgmcp.llm';

/** The LLM proxy as the selectors see it. */
export interface LlmInfo {
  loading: boolean;
  providers: LlmProviderInfo[];
  provider?: string;
  models: LlmModel[];
  model?: string;
  /** The chosen model's context window, when the provider reports it. */
  contextWindow?: number;
  /** The server's words when the proxy cannot be used (no provider configured, …). */
  error?: string;
  /** Listing the models failed; the provider's default model is offered instead. */
  modelsError?: string;
}

/** What the workspace shows about the server: version, connections and the LLM proxy. */
export interface ServerInfo {
  version?: string;
  connections: Connection[];
  current?: Connection;
  connectionError?: string;
  selectConnection(name: string): Promise<void>;
  /** Reads the connections again (after the admin screen added or deleted one). */
  reloadConnections(): Promise<void>;
  llm: LlmInfo;
  setProvider(name: string): void;
  setModel(id: string): void;
}

function storedChoice(): { provider?: string; model?: string } {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(LLM_CHOICE_KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { provider, model } = parsed as Record<string, unknown>;
    return {
      ...(typeof provider === 'string' ? { provider } : {}),
      ...(typeof model === 'string' ? { model } : {}),
    };
  } catch {
    return {};
  }
}

function storeChoice(provider: string | undefined, model: string | undefined): void {
  try {
    localStorage.setItem(LLM_CHOICE_KEY, JSON.stringify({ provider, model }));
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

/** Loads and tracks the server's version, the caller's connections and the LLM providers and models. */
export function useServerInfo(api: ApiClient): ServerInfo {
  const [version, setVersion] = useState<string>();
  const [connections, setConnections] = useState<Connection[]>([]);
  const [connectionError, setConnectionError] = useState<string>();
  const [providers, setProviders] = useState<LlmProviderInfo[]>([]);
  const [llmError, setLlmError] = useState<string>();
  const [llmLoading, setLlmLoading] = useState(true);
  const [provider, setProviderState] = useState<string>();
  const [models, setModels] = useState<LlmModel[]>([]);
  const [modelsError, setModelsError] = useState<string>();
  const [model, setModelState] = useState<string>();

  useEffect(() => {
    api.health().then(
      (health) => setVersion(health.version),
      () => undefined,
    );
    api.listConnections().then(
      (answer) => setConnections(answer.connections),
      (e: unknown) => setConnectionError(errorMessage(e)),
    );
    api
      .llmProviders()
      .then((answer) => {
        if (answer.not_configured !== undefined || answer.default_provider === null) {
          setLlmError(answer.not_configured ?? 'No LLM provider is configured.');
          return;
        }
        setProviders(answer.providers);
        const stored = storedChoice();
        const chosen = answer.providers.some((p) => p.name === stored.provider)
          ? stored.provider
          : answer.default_provider;
        setProviderState(chosen);
        if (chosen === stored.provider && stored.model) setModelState(stored.model);
      })
      .catch((e: unknown) => {
        if (!isApiError(e, 'UNAUTHORIZED')) setLlmError(errorMessage(e));
      })
      .finally(() => setLlmLoading(false));
  }, [api]);

  // The chosen provider's models; its default model when listing fails (e.g. Ollama is down).
  useEffect(() => {
    if (!provider) return;
    let live = true;
    const fallback = providers.find((p) => p.name === provider)?.default_model;
    setModelsError(undefined);
    api.llmModels({ query: { provider } }).then(
      ({ models: list }) => {
        if (!live) return;
        const withDefault =
          fallback && !list.some((m) => m.id === fallback) ? [{ id: fallback }, ...list] : list;
        setModels(withDefault);
        setModelState((current) =>
          current && withDefault.some((m) => m.id === current) ? current : fallback,
        );
      },
      (e: unknown) => {
        if (!live) return;
        setModelsError(errorMessage(e));
        setModels(fallback ? [{ id: fallback }] : []);
        setModelState((current) => current ?? fallback);
      },
    );
    return () => {
      live = false;
    };
  }, [api, provider, providers]);

  const selectConnection = useCallback(
    async (name: string) => {
      await api.setCurrentConnection({ body: { connection: name } });
      setConnections((list) => list.map((c) => ({ ...c, current: c.name === name })));
    },
    [api],
  );

  const reloadConnections = useCallback(async () => {
    try {
      setConnections((await api.listConnections()).connections);
      setConnectionError(undefined);
    } catch (e) {
      setConnectionError(errorMessage(e));
    }
  }, [api]);

  const setProvider = useCallback((name: string) => {
    setProviderState(name);
    setModelState(undefined);
    storeChoice(name, undefined);
  }, []);

  const setModel = useCallback(
    (id: string) => {
      setModelState(id);
      storeChoice(provider, id);
    },
    [provider],
  );

  const llm = useMemo<LlmInfo>(() => {
    const contextWindow = models.find((m) => m.id === model)?.context_window;
    return {
      loading: llmLoading,
      providers,
      models,
      ...(provider ? { provider } : {}),
      ...(model ? { model } : {}),
      ...(contextWindow ? { contextWindow } : {}),
      ...(llmError ? { error: llmError } : {}),
      ...(modelsError ? { modelsError } : {}),
    };
  }, [llmLoading, providers, models, provider, model, llmError, modelsError]);

  const current = connections.find((c) => c.current) ?? connections[0];
  return {
    ...(version ? { version } : {}),
    connections,
    ...(current ? { current } : {}),
    ...(connectionError ? { connectionError } : {}),
    selectConnection,
    reloadConnections,
    llm,
    setProvider,
    setModel,
  };
}
