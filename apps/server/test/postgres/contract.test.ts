import { createServer, type Server } from 'node:net';
import {
  type ApiClient,
  ApiError,
  createApiClient,
  ErrorBodySchema,
  HealthSchema,
  errorStatuses,
  type ErrorStatus,
  type RouteContract,
  type RouteName,
  ROUTES,
  StreamEventSchema,
  successStatus,
} from '@pgmcp/api-contract';
import {
  errorReply,
  type FakeProvider,
  hangReply,
  startFakeProvider,
  textReply,
} from '@pgmcp/llm-clients/testing';
import { type FakeOidcProvider, startFakeOidcProvider } from '@pgmcp/vitest-config/oidc';
import { createTestDatabase, type TestDatabase, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { RunningServer } from '../../src/start.js';
import { startTestServer } from '../helpers.js';

// Walks every route of the api-contract table against the running server: the success answer
// (parsed by the typed client with the route's own schema) and every error status the route
// documents (each answered with the {"error":{code,message}} body). A route added to the table
// without a scenario here fails the first test, so the table, the server and the clients cannot
// drift apart.

const ADMIN_PASSWORD = 'contract admin password';
const PASSWORD = 'a long enough password 42';
const db = useTestDatabase('server-contract');

type Who = 'admin' | 'user' | 'token' | 'scoped' | 'anonymous' | 'unconfigured';
/** One call: who makes it (or with which session token) and with what input (path params, query, body). */
interface Call {
  who?: Who;
  session?: string;
  input?: { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
}
/** A request the typed client cannot make (e.g. a browser redirect), answered raw. */
type RawCall = () => Promise<Response>;
interface Scenario {
  ok: () => Promise<Call | RawCall> | Call | RawCall;
  /** Error statuses the generic checks cannot produce for this route. */
  errors?: Partial<Record<ErrorStatus, () => Promise<Call | (() => Promise<Response>)> | Call>>;
}

let store: TestDatabase;
let server: RunningServer;
let unconfigured: RunningServer;
let anthropic: FakeProvider;
let openai: FakeProvider;
let hanging: Server;
let idp: FakeOidcProvider;
const clients = {} as Record<Who, ApiClient>;
let unique = 0;
const name = (prefix: string) => `${prefix}_${++unique}`;

function clientOf(target: RunningServer, token?: string): ApiClient {
  return createApiClient({
    baseUrl: 'http://127.0.0.1',
    fetch: async (url, init) => target.app.fetch(new Request(url, init)),
    headers: (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {}),
  });
}

async function login(target: RunningServer, username: string, password: string): Promise<string> {
  return (await clientOf(target).login({ body: { username, password } })).token;
}

async function newUser(): Promise<{ id: string; username: string }> {
  const username = name('user');
  const user = await clients.admin.createUser({ body: { username, password: PASSWORD } });
  return { id: user.id, username };
}

async function newGroup(): Promise<{ id: string; name: string }> {
  const group = await clients.admin.createGroup({ body: { name: name('group') } });
  return { id: group.id, name: group.name };
}

async function newConversation(who: Who = 'admin'): Promise<string> {
  const created = await clients[who].createConversation({
    body: { messages: [{ role: 'user', content: 'How many orders?' }] },
  });
  return created.id;
}

/** A stored connection to the test database (fields overridable). */
function connectionBody(more: Record<string, unknown> = {}) {
  const url = new URL(db.url);
  return {
    name: name('conn'),
    host: url.hostname,
    port: Number(url.port),
    database: db.name,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password) || 'unused',
    ...more,
  };
}

async function newConnection(more: Record<string, unknown> = {}): Promise<string> {
  return (await clients.admin.createConnection({ body: connectionBody(more) })).id;
}

async function newHistoryEntry(who: Who = 'admin'): Promise<string> {
  return (await clients[who].recordQueryHistory({ body: { sql: 'SELECT 1', outcome: 'ok' } })).id;
}

async function newSavedQuery(): Promise<string> {
  return (await clients.admin.createSavedQuery({ body: { name: name('saved'), sql: 'SELECT 1' } })).id;
}

let monitored: string | undefined;
/** A stored connection to the test database marked monitored (made once; nothing collects it here). */
async function monitoredConnection(): Promise<string> {
  if (!monitored) {
    const body = connectionBody({ is_monitored: true });
    await clients.admin.createConnection({ body });
    monitored = body.name;
  }
  return monitored;
}

/** An open alert of the connection `default`, as the alerter stores one (the REST test fires real ones). */
async function newAlert(): Promise<string> {
  const client = new pg.Client({ connectionString: store.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `insert into alerts (rule_id, connection_id, dims, dims_key, probe, metric, severity, status, message,
         value, threshold, fired_at, last_fired_at)
       values ('connections_near_max', 'default', '{}', $1, 'connection_usage', 'pct_used', 'warning',
         'firing', 'Connections near max_connections', 91, 80, now(), now()) returning id`,
      [name('dims')],
    );
    return rows[0]!.id;
  } finally {
    await client.end();
  }
}

async function newRule(): Promise<string> {
  const id = name('rule');
  await clients.admin.createAlertRule({
    body: { id, name: 'Many backends', probe: 'connection_usage', metric: 'pct_used', threshold: 95 },
  });
  return id;
}

async function newBlackout(): Promise<string> {
  const blackout = await clients.admin.createBlackout({
    body: { connection_id: 'default', starts_at: '2026-01-01T00:00:00Z', ends_at: '2026-01-01T01:00:00Z' },
  });
  return String(blackout.id);
}

function channelBody(more: Record<string, unknown> = {}) {
  // Nothing listens on port 9: a test send fails at once, and says so.
  return { kind: 'webhook' as const, name: name('channel'), url: 'http://127.0.0.1:9/hook', ...more };
}

async function newChannel(): Promise<string> {
  return (await clients.admin.createNotificationChannel({ body: channelBody() })).id;
}

/** The alerting routes of a server without a metrics datastore answer 503. */
const noDatastore = (input: Call['input'] = {}) => ({ who: 'unconfigured' as const, input });

const hello = { messages: [{ role: 'user' as const, content: 'hello' }] };

/** A new user's session that has spent its model calls for the minute (llm.requests_per_minute). */
async function spentSession(): Promise<string> {
  const { username } = await newUser();
  const session = await login(server, username, PASSWORD);
  const limited = clientOf(server, session);
  // Each call counts, even one the body check refuses.
  for (let i = 0; i < 40; i++) await limited.llmChat({ body: { messages: [] } }).catch(() => undefined);
  return session;
}

/** A client and a pending authorization request of it, made in the store (the browser part is another test's). */
async function pendingOAuthRequest(): Promise<{ clientId: string; requestId: string }> {
  const client = await server.auth.oauth.registerClient({
    kind: 'dynamic',
    name: name('client'),
    redirectUris: ['http://127.0.0.1:9/callback'],
    metadata: {},
    status: 'active',
  });
  const started = await server.auth.oauth.startAuthorization({
    clientId: client.id,
    redirectUri: 'http://127.0.0.1:9/callback',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    state: 'contract',
    resource: `${server.url}/mcp/v1`,
    ttlMs: 600_000,
  });
  return { clientId: client.id, requestId: started.id };
}

/** An OAuth grant of the admin. */
async function adminGrant(): Promise<string> {
  const { requestId } = await pendingOAuthRequest();
  const admin = await server.auth.getUserByUsername('admin');
  const approved = await server.auth.oauth.approveAuthorization(
    requestId,
    admin.id,
    { connections: [] },
    60_000,
  );
  const authorization = await server.auth.oauth.consumeCode(approved!.code);
  if (typeof authorization === 'string') throw new Error(authorization);
  const issued = await server.auth.oauth.issueGrant(authorization, {
    accessTokenMs: 60_000,
    refreshTokenMs: 600_000,
  });
  return issued.grant.id;
}

const SCENARIOS: Record<RouteName, Scenario> = {
  health: {
    ok: () => ({}),
    errors: {
      503: async () => {
        // A server whose store (PostgreSQL) goes away is not ready.
        const storeDb = await createTestDatabase('contract-health-store');
        const target = await startTestServer({ PGMCP_DATABASE_URL: db.url, PGMCP_STORE_URL: storeDb.url });
        await storeDb.drop();
        return async () => {
          const response = await target.app.fetch(new Request('http://127.0.0.1/health'));
          await target.close();
          return response;
        };
      },
    },
  },
  openapi: { ok: () => ({}) },
  login: {
    ok: async () => ({
      who: 'anonymous',
      input: { body: { username: (await newUser()).username, password: PASSWORD } },
    }),
    errors: {
      401: () => ({ who: 'anonymous', input: { body: { username: 'admin', password: 'not the password' } } }),
      403: async () => {
        const user = await newUser();
        await clients.admin.updateUser({ params: { id: user.id }, body: { enabled: false } });
        return { who: 'anonymous', input: { body: { username: user.username, password: PASSWORD } } };
      },
      429: async () => {
        // Failed logins are limited per client IP, which only a real socket has.
        const { username } = await newUser();
        const attempt = () =>
          fetch(`${server.url}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username, password: 'wrong password here' }),
          });
        for (let i = 0; i < 3; i++) await attempt();
        return attempt;
      },
    },
  },
  loginOptions: { ok: () => ({ who: 'anonymous' }) },
  oidcStart: {
    ok: () => () => fetch(`${server.url}/api/v1/auth/oidc/start`, { redirect: 'manual' }),
    errors: { 404: () => ({ who: 'unconfigured' }) },
  },
  oidcCallback: {
    ok: () => async () => {
      const start = await fetch(`${server.url}/api/v1/auth/oidc/start`, { redirect: 'manual' });
      const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      const callback = await fetch(authorize.headers.get('location')!, {
        redirect: 'manual',
        headers: { cookie: start.headers.getSetCookie()[0]!.split(';')[0]! },
      });
      // Signed in: back to the web client, not to the login page with an error.
      expect(callback.headers.get('location')).toBe('/');
      return callback;
    },
    errors: { 404: () => ({ who: 'unconfigured' }) },
  },
  logout: {
    ok: async () => {
      const { username } = await newUser();
      return { session: await login(server, username, PASSWORD) };
    },
  },
  me: { ok: () => ({}) },
  changePassword: {
    ok: async () => {
      const { username } = await newUser();
      const session = await login(server, username, PASSWORD);
      clients.user = clientOf(server, session);
      return {
        who: 'user',
        input: { body: { current_password: PASSWORD, new_password: `${PASSWORD} changed` } },
      };
    },
    errors: {
      401: () => ({
        who: 'user',
        input: { body: { current_password: 'wrong', new_password: `${PASSWORD} again` } },
      }),
    },
  },
  listTokens: {
    ok: () => ({ input: { query: { all: 'true' } } }),
    errors: { 400: () => ({ input: { query: { all: 'maybe' } } }) },
  },
  createToken: { ok: () => ({ input: { body: { note: 'contract', expires_in_days: 1 } } }) },
  revokeToken: {
    ok: async () => {
      const { api_token } = await clients.admin.createToken({ body: { note: 'to revoke' } });
      return { input: { params: { id: api_token.id } } };
    },
  },
  listUsers: { ok: () => ({}) },
  createUser: {
    ok: () => ({ input: { body: { username: name('created'), password: PASSWORD } } }),
    errors: { 409: () => ({ input: { body: { username: 'admin', password: PASSWORD } } }) },
  },
  getUser: { ok: async () => ({ input: { params: { id: (await newUser()).id } } }) },
  updateUser: {
    ok: async () => ({ input: { params: { id: (await newUser()).id }, body: { display_name: 'Renamed' } } }),
    errors: {
      409: async () => ({ input: { params: { id: (await newUser()).id }, body: { username: 'admin' } } }),
    },
  },
  deleteUser: {
    ok: async () => ({ input: { params: { id: (await newUser()).id } } }),
    errors: {
      409: async () => ({ input: { params: { id: (await clients.admin.me()).user.id } } }),
    },
  },
  setUserPassword: {
    ok: async () => ({
      input: { params: { id: (await newUser()).id }, body: { password: `${PASSWORD} reset` } },
    }),
  },
  unlockUser: { ok: async () => ({ input: { params: { id: (await newUser()).id } } }) },
  listGroups: { ok: () => ({}) },
  createGroup: {
    ok: () => ({ input: { body: { name: name('made') } } }),
    errors: { 409: async () => ({ input: { body: { name: (await newGroup()).name } } }) },
  },
  getGroup: { ok: async () => ({ input: { params: { id: (await newGroup()).id } } }) },
  updateGroup: {
    ok: async () => ({ input: { params: { id: (await newGroup()).id }, body: { description: 'changed' } } }),
    errors: {
      409: async () => ({
        input: { params: { id: (await newGroup()).id }, body: { name: (await newGroup()).name } },
      }),
    },
  },
  deleteGroup: { ok: async () => ({ input: { params: { id: (await newGroup()).id } } }) },
  addGroupMember: {
    ok: async () => ({
      input: { params: { id: (await newGroup()).id }, body: { username: (await newUser()).username } },
    }),
    errors: {
      // A group inside itself is a cycle.
      409: async () => {
        const group = await newGroup();
        return { input: { params: { id: group.id }, body: { group: group.name } } };
      },
    },
  },
  removeGroupMember: {
    ok: async () => {
      const group = await newGroup();
      const { username } = await newUser();
      await clients.admin.addGroupMember({ params: { id: group.id }, body: { username } });
      return { input: { params: { id: group.id }, body: { username } } };
    },
  },
  listMcpItems: { ok: () => ({}) },
  setMcpItemPublic: {
    ok: () => ({ input: { params: { kind: 'prompt', name: 'design-schema' }, body: { public: false } } }),
    errors: {
      404: () => ({ input: { params: { kind: 'tool', name: 'no_such_tool' }, body: { public: true } } }),
    },
  },
  explainAccess: {
    ok: async () => {
      const group = await newGroup();
      const { username } = await newUser();
      await clients.admin.addGroupMember({ params: { id: group.id }, body: { username } });
      return { input: { query: { username } } };
    },
    errors: {
      400: () => ({ input: { query: {} } }),
      404: () => ({ input: { query: { username: 'no_such_user' } } }),
    },
  },
  grantPrivilege: {
    ok: async () => ({
      input: {
        body: {
          group: (await newGroup()).name,
          privilege: { type: 'mcp_item', kind: 'tool', name: 'query_database' },
        },
      },
    }),
    errors: {
      404: () => ({
        input: { body: { group: 'no_such_group', privilege: { type: 'admin', permission: 'manage_users' } } },
      }),
    },
  },
  revokePrivilege: {
    ok: async () => ({
      input: {
        body: {
          group: (await newGroup()).name,
          privilege: { type: 'connection', name: 'default', access: 'read' },
        },
      },
    }),
    errors: {
      404: () => ({
        input: { body: { group: 'no_such_group', privilege: { type: 'admin', permission: 'manage_users' } } },
      }),
    },
  },
  listConnections: { ok: () => ({}) },
  getCurrentConnection: {
    ok: () => ({}),
    // A user granted no connection has no current one.
    errors: { 404: () => ({ who: 'user' }) },
  },
  setCurrentConnection: {
    ok: () => ({ input: { body: { connection: 'default' } } }),
    errors: { 404: () => ({ input: { body: { connection: 'nowhere' } } }) },
  },
  createConnection: { ok: () => ({ input: { body: connectionBody() } }) },
  getConnection: { ok: async () => ({ input: { params: { id: await newConnection() } } }) },
  replaceConnection: {
    ok: async () => {
      const id = await newConnection();
      const body = connectionBody();
      return {
        input: {
          params: { id },
          body: { ...body, name: (await clients.admin.getConnection({ params: { id } })).name },
        },
      };
    },
    // Config-file connections are read-only over REST.
    errors: { 409: () => ({ input: { params: { id: 'default' }, body: connectionBody() } }) },
  },
  updateConnection: {
    ok: async () => ({ input: { params: { id: await newConnection() }, body: { description: 'edited' } } }),
    errors: { 409: () => ({ input: { params: { id: 'default' }, body: { description: 'edited' } } }) },
  },
  deleteConnection: {
    ok: async () => ({ input: { params: { id: await newConnection() } } }),
    errors: { 409: () => ({ input: { params: { id: 'default' } } }) },
  },
  testConnection: { ok: async () => ({ input: { params: { id: await newConnection() } } }) },
  testConnectionDefinition: { ok: () => ({ input: { body: connectionBody() } }) },
  listDatabases: {
    ok: () => ({ input: { params: { id: 'default' } } }),
    // A server that refuses connections: the gateway failed.
    errors: {
      502: async () => ({
        input: { params: { id: await newConnection({ host: '127.0.0.1', port: 1 }) } },
      }),
    },
  },
  setMyCredentials: {
    ok: async () => ({
      input: {
        params: { id: await newConnection({ credentials: 'per_user' }) },
        body: { username: 'me', password: 'my own password' },
      },
    }),
    // A shared-login connection has no per-user login to store.
    errors: { 409: () => ({ input: { params: { id: 'default' }, body: { username: 'me' } } }) },
  },
  deleteMyCredentials: {
    ok: async () => {
      const id = await newConnection({ credentials: 'per_user' });
      await clients.admin.setMyCredentials({ params: { id }, body: { username: 'me', password: 'pw' } });
      return { input: { params: { id } } };
    },
  },
  llmProviders: { ok: () => ({}) },
  sessionState: { ok: () => ({ who: 'anonymous' }) },
  llmModels: {
    ok: () => ({ input: { query: { provider: 'anthropic' } } }),
    errors: {
      400: () => ({ input: { query: { provider: '' } } }),
      // OpenAI is configured with a key the fake refuses; Ollama with a server that never answers.
      502: () => ({ input: { query: { provider: 'openai' } } }),
      503: () => ({ who: 'unconfigured' }),
      504: () => ({ input: { query: { provider: 'ollama' } } }),
    },
  },
  llmChat: {
    ok: () => {
      anthropic.reset();
      anthropic.script(textReply('Hello.'));
      return { input: { body: hello } };
    },
    errors: {
      413: () => ({ input: { body: { messages: Array.from({ length: 7 }, () => hello.messages[0]) } } }),
      429: async () => ({ session: await spentSession(), input: { body: hello } }),
      502: () => {
        anthropic.reset();
        anthropic.script(errorReply(500, 'upstream exploded'));
        return { input: { body: hello } };
      },
      503: () => ({ who: 'unconfigured', input: { body: hello } }),
      504: () => {
        anthropic.reset();
        anthropic.script(hangReply());
        return { input: { body: { ...hello, provider: 'anthropic' } } };
      },
    },
  },
  llmChatStream: {
    ok: () => {
      anthropic.reset();
      anthropic.script(textReply('Streamed hello.'));
      return { input: { body: hello } };
    },
    errors: {
      413: () => ({ input: { body: { messages: Array.from({ length: 7 }, () => hello.messages[0]) } } }),
      429: async () => ({ session: await spentSession(), input: { body: hello } }),
      503: () => ({ who: 'unconfigured', input: { body: hello } }),
    },
  },
  compact: {
    ok: () => ({ input: { body: { messages: hello.messages, max_tokens: 1000 } } }),
    errors: {
      429: async () => ({
        session: await spentSession(),
        input: { body: { messages: hello.messages, options: { enable_llm_summarization: true } } },
      }),
    },
  },
  compactionAnalytics: { ok: () => ({}) },
  listConversations: {
    ok: () => ({ input: { query: { limit: 5 } } }),
    errors: { 400: () => ({ input: { query: { limit: 'many' } } }) },
  },
  createConversation: {
    ok: () => ({ input: { body: hello } }),
    errors: {
      413: () => ({
        input: {
          body: {
            messages: Array.from({ length: 11 }, (_, i) => ({
              role: i % 2 ? 'assistant' : 'user',
              content: 'x',
            })),
          },
        },
      }),
      429: async () => {
        // A user may keep conversations.max_per_user conversations.
        const { username } = await newUser();
        const session = await login(server, username, PASSWORD);
        const full = clientOf(server, session);
        for (let i = 0; i < 30; i++) await full.createConversation({ body: hello });
        return { session, input: { body: hello } };
      },
    },
  },
  deleteAllConversations: { ok: () => ({ who: 'user' }) },
  getConversation: { ok: async () => ({ input: { params: { id: await newConversation() } } }) },
  replaceConversation: {
    ok: async () => ({ input: { params: { id: await newConversation() }, body: hello } }),
    errors: {
      413: async () => ({
        input: {
          params: { id: await newConversation() },
          body: {
            messages: Array.from({ length: 11 }, (_, i) => ({
              role: i % 2 ? 'assistant' : 'user',
              content: 'x',
            })),
          },
        },
      }),
    },
  },
  renameConversation: {
    ok: async () => ({ input: { params: { id: await newConversation() }, body: { title: 'Renamed' } } }),
  },
  deleteConversation: { ok: async () => ({ input: { params: { id: await newConversation() } } }) },
  getOAuthRequest: {
    ok: async () => ({ input: { params: { id: (await pendingOAuthRequest()).requestId } } }),
  },
  decideOAuthRequest: {
    ok: async () => ({
      input: { params: { id: (await pendingOAuthRequest()).requestId }, body: { approve: true } },
    }),
    errors: {
      400: async () => ({
        input: {
          params: { id: (await pendingOAuthRequest()).requestId },
          body: { approve: true, connections: [{ name: 'no_such_connection', access: 'read' }] },
        },
      }),
    },
  },
  listOAuthGrants: {
    ok: () => ({ input: { query: { all: 'true' } } }),
    errors: { 400: () => ({ input: { query: { all: 'maybe' } } }) },
  },
  revokeOAuthGrant: { ok: async () => ({ input: { params: { id: await adminGrant() } } }) },
  listOAuthClients: { ok: () => ({}) },
  updateOAuthClient: {
    ok: async () => ({
      input: { params: { id: (await pendingOAuthRequest()).clientId }, body: { status: 'disabled' } },
    }),
  },
  deleteOAuthClient: {
    ok: async () => ({ input: { params: { id: (await pendingOAuthRequest()).clientId } } }),
  },
  listAudit: {
    ok: () => ({ input: { query: { since: '7d', kind: 'login', outcome: 'ok', limit: 5 } } }),
    errors: { 400: () => ({ input: { query: { since: 'last tuesday' } } }) },
  },
  listQueryHistory: {
    ok: async () => {
      await newHistoryEntry();
      return { input: { query: { q: 'select', limit: 5 } } };
    },
    errors: { 400: () => ({ input: { query: { limit: 0 } } }) },
  },
  recordQueryHistory: {
    ok: () => ({
      input: {
        body: { sql: 'SELECT 1', connection: 'default', outcome: 'ok', row_count: 1, duration_ms: 3 },
      },
    }),
  },
  clearQueryHistory: { ok: () => ({ who: 'user' }) },
  deleteQueryHistoryEntry: { ok: async () => ({ input: { params: { id: await newHistoryEntry() } } }) },
  listSavedQueries: {
    ok: () => ({ input: { query: { q: 'saved' } } }),
    errors: { 400: () => ({ input: { query: { q: 'x'.repeat(501) } } }) },
  },
  createSavedQuery: {
    ok: () => ({ input: { body: { name: name('saved'), sql: 'SELECT 1', description: 'one' } } }),
    errors: {
      409: async () => {
        const taken = name('saved');
        await clients.admin.createSavedQuery({ body: { name: taken, sql: 'SELECT 1' } });
        return { input: { body: { name: taken, sql: 'SELECT 2' } } };
      },
    },
  },
  getSavedQuery: { ok: async () => ({ input: { params: { id: await newSavedQuery() } } }) },
  updateSavedQuery: {
    ok: async () => ({
      input: { params: { id: await newSavedQuery() }, body: { name: name('saved'), sql: 'SELECT 2' } },
    }),
    errors: {
      409: async () => {
        const taken = name('saved');
        await clients.admin.createSavedQuery({ body: { name: taken, sql: 'SELECT 1' } });
        return { input: { params: { id: await newSavedQuery() }, body: { name: taken, sql: 'SELECT 2' } } };
      },
    },
  },
  deleteSavedQuery: { ok: async () => ({ input: { params: { id: await newSavedQuery() } } }) },
  listProbes: { ok: () => ({}) },
  listMetricsConnections: {
    ok: () => ({}),
    // No metrics datastore: no postgres:// store and no datastore.url.
    errors: { 503: () => ({ who: 'unconfigured' }) },
  },
  queryMetrics: {
    ok: async () => ({
      input: {
        params: { connection: await monitoredConnection(), probe: 'database_stats' },
        query: { time_start: '15m', buckets: 10, metrics: 'xact_commit,numbackends' },
      },
    }),
    errors: {
      400: async () => ({
        input: {
          params: { connection: await monitoredConnection(), probe: 'database_stats' },
          query: { buckets: 0 },
        },
      }),
      503: () => ({
        who: 'unconfigured',
        input: { params: { connection: 'demo', probe: 'database_stats' } },
      }),
    },
  },
  topQueries: {
    ok: async () => ({ input: { params: { connection: await monitoredConnection() }, query: { limit: 5 } } }),
    errors: {
      400: async () => ({
        input: { params: { connection: await monitoredConnection() }, query: { limit: 0 } },
      }),
      503: () => ({ who: 'unconfigured', input: { params: { connection: 'demo' } } }),
    },
  },
  listAlerts: {
    ok: () => ({
      input: { query: { connection: 'default', status: 'all', severity: 'warning', since: '7d' } },
    }),
    errors: {
      400: () => ({ input: { query: { status: 'sleeping' } } }),
      404: () => ({ input: { query: { connection: 'nowhere' } } }),
      503: () => noDatastore(),
    },
  },
  getAlert: {
    ok: async () => ({ input: { params: { id: await newAlert() } } }),
    errors: { 503: () => noDatastore({ params: { id: '1' } }) },
  },
  acknowledgeAlert: {
    ok: async () => ({ input: { params: { id: await newAlert() }, body: { note: 'looking' } } }),
    errors: { 503: () => noDatastore({ params: { id: '1' }, body: {} }) },
  },
  listAlertRules: {
    ok: () => ({ input: { query: { connection: 'default', enabled_only: 'true' } } }),
    errors: {
      400: () => ({ input: { query: { enabled_only: 'maybe' } } }),
      404: () => ({ input: { query: { connection: 'nowhere' } } }),
      503: () => noDatastore(),
    },
  },
  createAlertRule: {
    ok: () => ({
      input: {
        body: {
          id: name('rule'),
          name: 'Many backends',
          probe: 'connection_usage',
          metric: 'pct_used',
          threshold: 95,
        },
      },
    }),
    errors: {
      503: () => noDatastore({ body: { id: 'r', name: 'r', probe: 'p', metric: 'm', threshold: 1 } }),
    },
  },
  updateAlertRule: {
    ok: async () => ({ input: { params: { id: await newRule() }, body: { enabled: false } } }),
    errors: { 503: () => noDatastore({ params: { id: 'r' }, body: {} }) },
  },
  deleteAlertRule: {
    ok: async () => ({ input: { params: { id: await newRule() } } }),
    errors: { 503: () => noDatastore({ params: { id: 'r' } }) },
  },
  setAlertRuleOverride: {
    ok: async () => ({
      input: {
        params: { id: await newRule(), connection: 'default' },
        body: { threshold: 99, duration_s: 60 },
      },
    }),
    errors: { 503: () => noDatastore({ params: { id: 'r', connection: 'default' }, body: {} }) },
  },
  setAlertRuleChannels: {
    ok: async () => ({
      input: { params: { id: await newRule() }, body: { channel_ids: [await newChannel()] } },
    }),
    errors: { 503: () => noDatastore({ params: { id: 'r' }, body: { channel_ids: [] } }) },
  },
  listBlackouts: {
    ok: () => ({ input: { query: { connection: 'default' } } }),
    errors: {
      400: () => ({ input: { query: { active_only: 'perhaps' } } }),
      404: () => ({ input: { query: { connection: 'nowhere' } } }),
      503: () => noDatastore(),
    },
  },
  createBlackout: {
    ok: () => ({
      input: { body: { cron: '0 2 * * 0', duration_s: 3600, time_zone: 'Europe/Paris', reason: 'backups' } },
    }),
    errors: {
      404: () => ({ input: { body: { connection_id: 'nowhere', cron: '0 2 * * 0', duration_s: 3600 } } }),
      503: () => noDatastore({ body: { cron: '0 2 * * 0', duration_s: 3600 } }),
    },
  },
  endBlackout: {
    ok: async () => ({ input: { params: { id: await newBlackout() } } }),
    errors: { 503: () => noDatastore({ params: { id: '1' } }) },
  },
  listNotificationChannels: { ok: () => ({}), errors: { 503: () => noDatastore() } },
  createNotificationChannel: {
    ok: () => ({
      input: { body: channelBody({ secret: 'a signing secret of some length', min_severity: 'warning' }) },
    }),
    errors: {
      409: async () => {
        const body = channelBody();
        await clients.admin.createNotificationChannel({ body });
        return { input: { body } };
      },
      503: () => noDatastore({ body: channelBody() }),
    },
  },
  getNotificationChannel: {
    ok: async () => ({ input: { params: { id: await newChannel() } } }),
    errors: { 503: () => noDatastore({ params: { id: 'c' } }) },
  },
  updateNotificationChannel: {
    ok: async () => ({ input: { params: { id: await newChannel() }, body: { enabled: false } } }),
    errors: {
      409: async () => {
        const body = channelBody();
        await clients.admin.createNotificationChannel({ body });
        return { input: { params: { id: await newChannel() }, body: { name: body.name } } };
      },
      503: () => noDatastore({ params: { id: 'c' }, body: {} }),
    },
  },
  deleteNotificationChannel: {
    ok: async () => ({ input: { params: { id: await newChannel() } } }),
    errors: { 503: () => noDatastore({ params: { id: 'c' } }) },
  },
  testNotificationChannel: {
    ok: async () => ({ input: { params: { id: await newChannel() } } }),
    errors: { 503: () => noDatastore({ params: { id: 'c' } }) },
  },
  listChannelDeliveries: {
    ok: async () => ({ input: { params: { id: await newChannel() }, query: { status: 'failed' } } }),
    errors: {
      400: async () => ({ input: { params: { id: await newChannel() }, query: { limit: '0' } } }),
      503: () => noDatastore({ params: { id: 'c' } }),
    },
  },
  getTimeline: {
    ok: () => ({
      input: { query: { connection: 'default', start: '7d', types: 'alert_fired,setting_changed' } },
    }),
    errors: {
      400: () => ({ input: { query: { connection: 'default', types: 'lunch' } } }),
      404: () => ({ input: { query: { connection: 'nowhere' } } }),
      503: () => noDatastore({ query: { connection: 'default' } }),
    },
  },
};

beforeAll(async () => {
  anthropic = await startFakeProvider({ provider: 'anthropic' });
  // Only there to refuse the key the server is configured with.
  openai = await startFakeProvider({ provider: 'openai', apiKey: 'sk-right-key' });
  // Accepts connections and never answers: a provider that times out.
  hanging = createServer(() => undefined);
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  const hangingPort = (hanging.address() as { port: number }).port;
  store = await createTestDatabase('contract-store');
  idp = await startFakeOidcProvider({ user: { sub: 'contract-sso', preferred_username: 'sso-user' } });
  server = await startTestServer(
    {
      PGMCP_OIDC_ISSUER: idp.issuer,
      PGMCP_OIDC_CLIENT_ID: idp.clientId,
      PGMCP_OIDC_CLIENT_SECRET: idp.clientSecret,
      PGMCP_AUTH: 'on',
      PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PGMCP_DATABASE_URL: db.url,
      PGMCP_STORE_URL: store.url,
      ANTHROPIC_API_KEY: 'sk-ant-contract',
      PGMCP_ANTHROPIC_BASE_URL: anthropic.url,
      OPENAI_API_KEY: 'sk-wrong-key',
      PGMCP_OPENAI_BASE_URL: openai.url,
      OLLAMA_HOST: `127.0.0.1:${hangingPort}`,
    },
    {
      yaml: `auth:
  bcrypt_cost: 4
  ip_rate_limit: { max_failures: 3 }
llm:
  requests_per_minute: 40
  max_messages: 6
  providers:
    anthropic: { max_retries: 0, timeout_ms: 500 }
    openai: { max_retries: 0 }
    ollama: { max_retries: 0, timeout_ms: 500, enabled: true }
conversations:
  max_messages: 10
  max_per_user: 30
# The metrics routes read the datastore (the PostgreSQL store); nothing needs collecting here.
collector:
  enabled: false
`,
    },
  );
  unconfigured = await startTestServer({
    PGMCP_AUTH: 'on',
    PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    PGMCP_DATABASE_URL: db.url,
  });
  const adminSession = await login(server, 'admin', ADMIN_PASSWORD);
  clients.admin = clientOf(server, adminSession);
  clients.anonymous = clientOf(server);
  clients.unconfigured = clientOf(unconfigured, await login(unconfigured, 'admin', ADMIN_PASSWORD));
  const { username } = await newUser();
  clients.user = clientOf(server, await login(server, username, PASSWORD));
  const userToken = await clients.user.createToken({ body: { note: 'unscoped' } });
  clients.token = clientOf(server, userToken.token);
  const scoped = await clients.admin.createToken({
    body: { scope: { mcp_items: [{ kind: 'tool', name: 'query_database' }] } },
  });
  clients.scoped = clientOf(server, scoped.token);
});

afterAll(async () => {
  await server?.close();
  await unconfigured?.close();
  await anthropic?.close();
  await openai?.close();
  hanging?.close();
  await idp?.close();
  await store?.drop();
});

it('has a scenario for every route of the table, and the table names each route once', () => {
  expect(Object.keys(SCENARIOS).sort()).toEqual(Object.keys(ROUTES).sort());
  const keys = Object.values(ROUTES).map((route) => `${route.method} ${route.path}`);
  expect(new Set(keys).size).toBe(keys.length);
});

/** What a caller who may not use the route is: the generic 403 of its rule. */
function forbiddenCaller(route: RouteContract): Who {
  if (route.auth === 'session') return 'token';
  if (route.auth === 'user') return 'scoped';
  return 'user';
}

async function call(name: RouteName, scenarioCall: Call): Promise<unknown> {
  const client = scenarioCall.session
    ? clientOf(server, scenarioCall.session)
    : clients[scenarioCall.who ?? 'admin'];
  const method = client[name] as (input?: unknown) => Promise<unknown>;
  return method(scenarioCall.input ?? {});
}

async function raw(route: RouteContract, init: RequestInit, input: Call['input'] = {}): Promise<Response> {
  const path = route.path.replace(/\{(\w+)\}/g, (_, p: string) =>
    encodeURIComponent(input.params?.[p] ?? 'x'),
  );
  return server.app.fetch(
    new Request(`http://127.0.0.1${path}`, {
      method: route.method.toUpperCase(),
      ...init,
      headers: { authorization: `Bearer ${await login(server, 'admin', ADMIN_PASSWORD)}`, ...init.headers },
    }),
  );
}

async function expectErrorBody(
  response: Response,
  status: number,
  schema: z.ZodType = ErrorBodySchema,
): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(schema.safeParse(JSON.parse(text)).success, text).toBe(true);
}

async function expectApiError(promise: Promise<unknown>, status: number): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected HTTP ${status}`).toBeInstanceOf(ApiError);
  const apiError = error as ApiError;
  expect(apiError.status, apiError.message).toBe(status);
  // A pgmcp error body was parsed (the client names other answers HTTP_<status>).
  expect(apiError.code).not.toMatch(/^HTTP_/);
}

describe.each(Object.keys(ROUTES) as RouteName[])('%s', (name) => {
  const route: RouteContract = ROUTES[name];
  const scenario = SCENARIOS[name];

  it(`answers ${successStatus(route)} in the documented shape`, async () => {
    const ok = await scenario.ok();
    if (typeof ok === 'function') {
      const response = await ok();
      expect(response.status, await response.text()).toBe(successStatus(route));
      return;
    }
    const result = await call(name, ok);
    if (route.stream) {
      const response = result as Response;
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = (await response.text())
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => StreamEventSchema.parse(JSON.parse(line.slice(6))));
      expect(events.at(-1)?.type).toBe('done');
    } else if (!route.response) {
      expect(result).toBeUndefined();
    }
  });

  for (const status of errorStatuses(route)) {
    it(`answers ${status} with an error body`, async () => {
      const own = scenario.errors?.[status];
      if (own) {
        const produced = await own();
        // /health answers its own shape when the store is down (load balancers read the status).
        if (typeof produced === 'function')
          return expectErrorBody(
            await produced(),
            status,
            name === 'health' ? HealthSchema : ErrorBodySchema,
          );
        return expectApiError(call(name, produced), status);
      }
      const ok = await scenario.ok();
      if (typeof ok === 'function') throw new Error(`${name}: give a scenario for ${status}.`);
      switch (status) {
        case 401:
          return expectApiError(call(name, { input: ok.input, who: 'anonymous' }), 401);
        case 403:
          return expectApiError(call(name, { input: ok.input, who: forbiddenCaller(route) }), 403);
        case 404:
          return expectApiError(
            call(name, {
              ...ok,
              input: {
                ...ok.input,
                params: Object.fromEntries(Object.keys(ok.input?.params ?? {}).map((p) => [p, 'no-such-id'])),
              },
            }),
            404,
          );
        case 400:
          // Valid JSON that is not the body's shape.
          return expectErrorBody(
            await raw(route, { headers: { 'content-type': 'application/json' }, body: '[]' }, ok.input),
            400,
          );
        case 415:
          return expectErrorBody(
            await raw(
              route,
              { headers: { 'content-type': 'text/plain' }, body: JSON.stringify(ok.input?.body) },
              ok.input,
            ),
            415,
          );
        default:
          throw new Error(`${name} documents ${status} but its scenario does not produce it.`);
      }
    });
  }
});
