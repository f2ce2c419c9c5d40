import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/start.js';
import { NO_DATABASE_URL, startTestServer } from './helpers.js';

// Issue 17's security requirements, one test (or more) each; every one fails if its check goes.
// In-process requests (app.request), so the issuer is http://127.0.0.1.

const ADMIN_PASSWORD = 'oauth security admin password';
const BASE = 'http://127.0.0.1';
const RESOURCE = `${BASE}/mcp/v1`;
const REDIRECT = 'http://127.0.0.1:50123/cb';

let server: RunningServer;
let cookie: string;

async function request(pathname: string, init: RequestInit = {}): Promise<Response> {
  return await server.app.request(`${BASE}${pathname}`, init);
}

function form(pathname: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  return request(pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
}

async function register(body: Record<string, unknown>): Promise<Response> {
  return request('/oauth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function newClient(redirectUris = [REDIRECT]): Promise<string> {
  const response = await register({ client_name: 'Security Test', redirect_uris: redirectUris });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { client_id: string }).client_id;
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return `/oauth/authorize?${query.toString()}`;
}

/** Starts an authorization, consents as admin, and returns the code with what produced it. */
async function codeFor(clientId: string, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const start = await request(
    authorizeUrl({
      client_id: clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'st4te',
      resource: RESOURCE,
      ...extra,
    }),
  );
  expect(start.status, await start.clone().text()).toBe(302);
  const requestId = new URL(start.headers.get('location')!, BASE).searchParams.get('request')!;
  const decision = await request(`/api/v1/oauth/requests/${requestId}/decision`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ approve: true }),
  });
  expect(decision.status, await decision.clone().text()).toBe(200);
  const back = new URL(((await decision.json()) as { redirect_to: string }).redirect_to);
  return { code: back.searchParams.get('code')!, verifier, back };
}

function exchange(clientId: string, code: string, verifier: string, extra: Record<string, string> = {}) {
  return form('/oauth/token', {
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT,
    resource: RESOURCE,
    ...extra,
  });
}

function listTools(token: string) {
  return request('/mcp/v1', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
}

beforeAll(async () => {
  const web = makeTempDir('oauth-web');
  mkdirSync(web, { recursive: true });
  writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>pgmcp</title>');
  server = await startTestServer(
    {
      PGMCP_AUTH: 'on',
      PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PGMCP_DATABASE_URL: NO_DATABASE_URL,
      PGMCP_WEB_DIR: web,
    },
    { yaml: 'auth:\n  bcrypt_cost: 4\noauth:\n  requests_per_minute: 1000\n' },
  );
  const login = await request('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
});
afterAll(async () => {
  await server?.close();
});

describe('redirect URIs: exact matching, no open redirects', () => {
  it.each([
    ['another path', 'http://127.0.0.1:50123/cb/evil'],
    ['an added query', 'http://127.0.0.1:50123/cb?next=https://evil.example'],
    ['another port', 'http://127.0.0.1:50124/cb'],
    ['a trailing slash', 'http://127.0.0.1:50123/cb/'],
    ['another host', 'https://evil.example/cb'],
  ])('refuses %s without redirecting anywhere', async (_what, redirectUri) => {
    const clientId = await newClient();
    const { challenge } = pkce();
    const response = await request(
      authorizeUrl({
        client_id: clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('redirect_uri');
  });

  it('refuses an unknown client without redirecting', async () => {
    const response = await request(authorizeUrl({ client_id: 'mcp_unknown', redirect_uri: REDIRECT }));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('refuses a code exchanged with another redirect_uri than the request had', async () => {
    const clientId = await newClient([REDIRECT, 'http://127.0.0.1:50123/other']);
    const { code, verifier } = await codeFor(clientId);
    const response = await exchange(clientId, code, verifier, {
      redirect_uri: 'http://127.0.0.1:50123/other',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it.each([
    ['javascript:alert(1)', 'javascript'],
    ['http://evil.example/cb', 'plain http'],
    ['https://app.example/cb#frag', 'fragment'],
  ])('refuses to register %s', async (uri, why) => {
    const response = await register({ redirect_uris: [uri] });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'invalid_redirect_uri',
      error_description: expect.stringContaining(why),
    });
  });
});

describe('PKCE S256 and state', () => {
  it('requires a challenge, and S256 only', async () => {
    const clientId = await newClient();
    for (const params of [
      {},
      { code_challenge: pkce().challenge, code_challenge_method: 'plain' },
      { code_challenge: 'short', code_challenge_method: 'S256' },
    ]) {
      const response = await request(
        authorizeUrl({
          client_id: clientId,
          redirect_uri: REDIRECT,
          response_type: 'code',
          state: 'abc',
          ...params,
        }),
      );
      expect(response.status).toBe(302);
      const back = new URL(response.headers.get('location')!);
      expect(back.searchParams.get('error')).toBe('invalid_request');
      // Errors go back with the client's state and pgmcp's issuer (RFC 9207).
      expect(back.searchParams.get('state')).toBe('abc');
      expect(back.searchParams.get('iss')).toBe(BASE);
    }
  });

  it('refuses a code with the wrong verifier, or none', async () => {
    const clientId = await newClient();
    const { code } = await codeFor(clientId);
    const wrong = await exchange(clientId, code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('code_verifier'),
    });
    const { code: code2 } = await codeFor(clientId);
    const none = await form('/oauth/token', {
      grant_type: 'authorization_code',
      client_id: clientId,
      code: code2,
      redirect_uri: REDIRECT,
    });
    expect(await none.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('returns the state and iss with the code', async () => {
    const { back } = await codeFor(await newClient());
    expect(back.searchParams.get('state')).toBe('st4te');
    expect(back.searchParams.get('iss')).toBe(BASE);
  });

  it('only supports the code flow', async () => {
    const clientId = await newClient();
    const response = await request(
      authorizeUrl({
        client_id: clientId,
        redirect_uri: REDIRECT,
        response_type: 'token',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }),
    );
    expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe(
      'unsupported_response_type',
    );
  });
});

describe('codes are single use', () => {
  it('refuses a second exchange and revokes the tokens of the first', async () => {
    const clientId = await newClient();
    const { code, verifier } = await codeFor(clientId);
    const first = await exchange(clientId, code, verifier);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const tokens = (await first.json()) as { access_token: string; token_type: string };
    expect(tokens.token_type).toBe('Bearer');
    expect((await listTools(tokens.access_token)).status).toBe(200);

    const second = await exchange(clientId, code, verifier);
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await listTools(tokens.access_token)).status).toBe(401);
  });

  it('refuses a code issued to another client', async () => {
    const { code, verifier } = await codeFor(await newClient());
    const other = await newClient();
    expect(await (await exchange(other, code, verifier)).json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('resource indicators (RFC 8707)', () => {
  it('refuses to authorize or issue tokens for another resource', async () => {
    const clientId = await newClient();
    const response = await request(
      authorizeUrl({
        client_id: clientId,
        redirect_uri: REDIRECT,
        response_type: 'code',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
        resource: 'https://other.example/mcp',
      }),
    );
    expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('invalid_target');
    const { code, verifier } = await codeFor(clientId);
    const token = await exchange(clientId, code, verifier, { resource: 'https://other.example/mcp' });
    expect(await token.json()).toMatchObject({ error: 'invalid_target' });
  });

  it('refuses on /mcp/v1 a token bound to another resource', async () => {
    const client = await server.auth.oauth.registerClient({
      kind: 'dynamic',
      name: 'elsewhere',
      redirectUris: [REDIRECT],
      metadata: {},
      status: 'active',
    });
    const started = await server.auth.oauth.startAuthorization({
      clientId: client.id,
      redirectUri: REDIRECT,
      codeChallenge: pkce().challenge,
      state: undefined,
      resource: 'https://other-pgmcp.example/mcp/v1',
      ttlMs: 60_000,
    });
    const admin = await server.auth.getUserByUsername('admin');
    const approved = await server.auth.oauth.approveAuthorization(started.id, admin.id, {}, 60_000);
    const authorization = await server.auth.oauth.consumeCode(approved!.code);
    if (typeof authorization === 'string') throw new Error(authorization);
    const issued = await server.auth.oauth.issueGrant(authorization, {
      accessTokenMs: 60_000,
      refreshTokenMs: 60_000,
    });
    const response = await listTools(issued.accessToken);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses OAuth access tokens on the REST API (their audience is the MCP endpoint)', async () => {
    const clientId = await newClient();
    const { code, verifier } = await codeFor(clientId);
    const { access_token } = (await (await exchange(clientId, code, verifier)).json()) as {
      access_token: string;
    };
    const me = await request('/api/v1/auth/me', { headers: { authorization: `Bearer ${access_token}` } });
    expect(me.status).toBe(401);
  });
});

describe('the consent page and its API', () => {
  it('cannot be framed', async () => {
    const page = await request('/oauth/consent?request=azr_x', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('is the only OAuth path the web client answers: probes of others get a JSON 404, not the page', async () => {
    for (const probe of ['/.well-known/openid-configuration', '/oauth/token']) {
      const response = await request(probe, { headers: { accept: 'text/html' } });
      expect(response.headers.get('content-type') ?? '', probe).not.toContain('text/html');
    }
  });

  it('refuses a cross-site form post, and a page on another origin', async () => {
    const clientId = await newClient();
    const { challenge } = pkce();
    const start = await request(
      authorizeUrl({
        client_id: clientId,
        redirect_uri: REDIRECT,
        response_type: 'code',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
    );
    const requestId = new URL(start.headers.get('location')!, BASE).searchParams.get('request')!;
    const asForm = await request(`/api/v1/oauth/requests/${requestId}/decision`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'approve=true',
    });
    expect(asForm.status).toBe(415);
    const crossSite = await request(`/api/v1/oauth/requests/${requestId}/decision`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ approve: true }),
    });
    expect(crossSite.status).toBe(403);
    // Neither answered it: the request is still pending.
    expect(await server.auth.oauth.findPendingAuthorization(requestId)).toBeDefined();
  });

  it('needs a login session, not a token', async () => {
    const { token } = await server.auth.createApiToken((await server.auth.getUserByUsername('admin')).id);
    const response = await request('/api/v1/oauth/requests/azr_x', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(403);
  });

  it('sends a refusal back as access_denied', async () => {
    const clientId = await newClient();
    const start = await request(
      authorizeUrl({
        client_id: clientId,
        redirect_uri: REDIRECT,
        response_type: 'code',
        state: 's',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }),
    );
    const requestId = new URL(start.headers.get('location')!, BASE).searchParams.get('request')!;
    const decision = await request(`/api/v1/oauth/requests/${requestId}/decision`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ approve: false }),
    });
    const back = new URL(((await decision.json()) as { redirect_to: string }).redirect_to);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();
  });
});

describe('tokens are stored hashed', () => {
  it('keeps no access or refresh token in the store in the clear', async () => {
    const clientId = await newClient();
    const { code, verifier } = await codeFor(clientId);
    const tokens = (await (await exchange(clientId, code, verifier)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const listed = JSON.stringify(await server.auth.listApiTokens());
    expect(listed).not.toContain(tokens.access_token);
    expect(JSON.stringify(await server.auth.oauth.listGrants())).not.toContain(tokens.refresh_token);
  });
});

describe('rate limits and registration policy', () => {
  it('limits registrations and token requests per address', async () => {
    const limited = await startTestServer(
      { PGMCP_AUTH: 'on', PGMCP_DATABASE_URL: NO_DATABASE_URL },
      { yaml: 'auth:\n  bcrypt_cost: 4\noauth:\n  requests_per_minute: 2\n' },
    );
    try {
      const attempt = () =>
        fetch(`${limited.url}/oauth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ redirect_uris: [REDIRECT] }),
        });
      expect((await attempt()).status).toBe(201);
      expect((await attempt()).status).toBe(201);
      const third = await attempt();
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await third.json()).toMatchObject({ error: 'slow_down' });
      const token = async () =>
        fetch(`${limited.url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=refresh_token&client_id=x&refresh_token=y',
        });
      await token();
      await token();
      expect((await token()).status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('admits only allow-listed redirect hosts, and holds clients for approval', async () => {
    const strict = await startTestServer(
      { PGMCP_AUTH: 'on', PGMCP_DATABASE_URL: NO_DATABASE_URL },
      {
        yaml: "auth:\n  bcrypt_cost: 4\noauth:\n  registration: allow_list\n  allowed_clients: ['claude.ai']\n",
      },
    );
    const approval = await startTestServer(
      { PGMCP_AUTH: 'on', PGMCP_DATABASE_URL: NO_DATABASE_URL },
      { yaml: 'auth:\n  bcrypt_cost: 4\noauth:\n  registration: approval\n' },
    );
    try {
      const to = (target: RunningServer, uris: string[]) =>
        target.app.request(`${BASE}/oauth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ redirect_uris: uris }),
        });
      expect((await to(strict, ['https://claude.ai/api/mcp/auth_callback'])).status).toBe(201);
      const refused = await to(strict, ['https://evil.example/cb']);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: 'invalid_redirect_uri' });

      const pending = (await (await to(approval, [REDIRECT])).json()) as { client_id: string };
      const start = await approval.app.request(
        `${BASE}${authorizeUrl({ client_id: pending.client_id, redirect_uri: REDIRECT, response_type: 'code', code_challenge: pkce().challenge, code_challenge_method: 'S256' })}`,
      );
      expect(new URL(start.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
      await approval.auth.oauth.setClientStatus(pending.client_id, 'active');
      const again = await approval.app.request(
        `${BASE}${authorizeUrl({ client_id: pending.client_id, redirect_uri: REDIRECT, response_type: 'code', code_challenge: pkce().challenge, code_challenge_method: 'S256' })}`,
      );
      expect(again.headers.get('location')).toMatch(/^\/oauth\/consent\?request=azr_/);
    } finally {
      await strict.close();
      await approval.close();
    }
  });
});
