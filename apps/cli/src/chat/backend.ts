import type { Client } from '@modelcontextprotocol/client';
import type { AgentLlm, AgentToolbox } from '@pgmcp/agent';
import type {
  CompactRequest,
  CompactResponse,
  Conversation,
  ConversationInput,
  ConversationSummary,
  LlmModel,
} from '@pgmcp/api-contract';

/** A database connection the user may switch to. */
export interface DatabaseInfo {
  name: string;
  description?: string;
  host: string;
  port: number;
  database: string;
  writesAllowed: boolean;
  current: boolean;
}

/** A connection as the REST API and `list_database_connections` describe it (snake_case). */
export interface WireConnection {
  name: string;
  description?: string | null;
  host: string;
  port: number;
  database: string;
  writes_allowed: boolean;
  current: boolean;
}

export function toDatabaseInfo(c: WireConnection): DatabaseInfo {
  return {
    name: c.name,
    ...(c.description ? { description: c.description } : {}),
    host: c.host,
    port: c.port,
    database: c.database,
    writesAllowed: c.writes_allowed,
    current: c.current,
  };
}

/** The LLM providers available and the default one. */
export interface ProviderList {
  providers: { name: string; defaultModel: string }[];
  defaultProvider: string;
}

/** Stored conversations: on the server, or JSON files in local mode. */
export interface ConversationStore {
  /** Most recently updated first. */
  list(limit: number): Promise<ConversationSummary[]>;
  /** Throws ChatError NOT_FOUND for an unknown id. */
  get(id: string): Promise<Conversation>;
  create(input: ConversationInput): Promise<Conversation>;
  replace(id: string, input: ConversationInput): Promise<Conversation>;
  rename(id: string, title: string): Promise<Conversation>;
}

/** Asks the person at the terminal; used to log in. Rejects with ChatError CANCELLED on Ctrl-C. */
export interface Prompter {
  ask(question: string, options?: { mask?: boolean }): Promise<string>;
}

/** Where a chat runs: a pgmcp server (its LLM proxy and /mcp/v1), or local (a provider and pgmcp serve --stdio). */
export interface ChatBackend {
  readonly mode: 'server' | 'local';
  /** What the banner and /show say about where this is connected, e.g. `http://127.0.0.1:8080 as ann`. */
  readonly label: string;
  /** The key of remembered settings: the server URL, or `local`. */
  readonly settingsKey: string;
  readonly llm: AgentLlm;
  /** The MCP client, for prompts. */
  readonly mcp: Client;
  readonly toolbox: AgentToolbox;
  readonly conversations: ConversationStore;
  providers(): Promise<ProviderList>;
  models(provider: string): Promise<LlmModel[]>;
  databases(): Promise<DatabaseInfo[]>;
  /** Makes a connection (optionally one of its databases) the current one. */
  selectDatabase(name: string, database?: string): Promise<void>;
  /** Compacts a history: the server's compactor, or in local mode an in-process one. Throws when it cannot. */
  compact(request: CompactRequest, signal: AbortSignal): Promise<CompactResponse>;
  /** After the server ended the session: asks for the password again; false when that is not possible. */
  relogin(): Promise<boolean>;
  close(): Promise<void>;
}
