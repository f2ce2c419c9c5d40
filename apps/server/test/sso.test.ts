import { type FakeOidcFault, type FakeOidcProvider, startFakeOidcProvider } from '@pgmcp/vitest-config/oidc';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/start.js';
import { ADMIN_PASSWORD, captureLogger, type RestClient, startAccountsServer } from './rest-helpers.js';
import { ssoSignIn, ssoYaml } from './sso-helpers.js';

// Single sign-on against a local OpenID provider speaking the real wire format (discovery, JWKS,
// code flow with PKCE, RS256 ID tokens signed via jose): just-in-time users, groups that follow the
// provider, and every check on its answer.

const ADA = {
  sub: 'ada-subject',
  preferred_username: 'ada',
  email: 'ada@acme.test',
  name: 'Ada',
  groups: ['eng'],
};

let idp: FakeOidcProvider;
let server: RunningServer;
let api: RestClient;
let adminToken: string;
const logs = captureLogger();

beforeAll(async () => {
  idp = await startFakeOidcProvider({ user: ADA });
  ({ server, api, adminToken } = await startAccountsServer(
    { PGMCP_OIDC_CLIENT_SECRET: idp.clientSecret },
    { yaml: ssoYaml(idp), logger: logs.logger },
  ));
});
afterAll(async () => {
  await server?.close();
  await idp?.close();
});
beforeEach(() => {
  idp.fault = undefined;
  idp.user = ADA;
});

async function me(session: string) {
  const answer = await api.call('GET', '/api/v1/auth/me', { token: session });
  expect(answer.status, answer.text).toBe(200);
  return answer.body as { user: { username: string; email: string }; groups: string[] };
}

describe('single sign-on', () => {
  it('tells the login page about the button', async () => {
    const options = await api.call('GET', '/api/v1/auth/login-options');
    expect(options.body).toEqual({
      password_login: 'everyone',
      sso: { label: 'Sign in with Acme', start_url: '/api/v1/auth/oidc/start' },
    });
  });

  it('creates the user on first login with the mapped groups, with PKCE S256, state and nonce', async () => {
    const outcome = await ssoSignIn(server, { returnTo: '/oauth/consent?request=r1' });
    expect(outcome.location).toBe('/oauth/consent?request=r1');
    expect(outcome.attemptCookie).toMatch(/HttpOnly/i);
    expect(outcome.attemptCookie).toMatch(/SameSite=Lax/i);
    expect(outcome.attemptCookie).toMatch(/Path=\/api\/v1\/auth\/oidc\/callback/);
    const asked = idp.authorizations.at(-1)!;
    expect(asked).toMatchObject({
      code_challenge_method: 'S256',
      redirect_uri: `${server.url}/api/v1/auth/oidc/callback`,
    });
    expect(asked.state).toMatch(/^[\w-]{43}$/);
    expect(asked.nonce).toMatch(/^[\w-]{43}$/);
    expect(asked.scope).toBe('openid profile email groups');
    const who = await me(outcome.session!);
    expect(who.user).toMatchObject({ username: 'ada', email: 'ada@acme.test' });
    expect(who.groups.sort()).toEqual(['engineers', 'readers']);
    // Nothing of the provider's answer reaches the log.
    expect(logs.lines.join('\n')).not.toMatch(/eyJ|fake-oidc-client-secret/);
  });

  it('follows the provider on the next login: a changed claim changes the managed groups only', async () => {
    const first = await ssoSignIn(server);
    const userId = (await me(first.session!)).user as unknown as { id: string };
    const other = await api.call('POST', '/api/v1/groups', {
      token: adminToken,
      body: { name: 'reporting' },
    });
    const added = await api.call('POST', `/api/v1/groups/${other.body.id as string}/members`, {
      token: adminToken,
      body: { username: 'ada' },
    });
    expect(added.status, added.text).toBeLessThan(300);
    idp.user = { ...ADA, groups: ['dba-team', 'unmapped'] };
    const second = await ssoSignIn(server);
    const who = await me(second.session!);
    expect((who.user as unknown as { id: string }).id).toBe(userId.id);
    expect(who.groups.sort()).toEqual(['dbas', 'reporting']);
  });

  const refusals: [FakeOidcFault, string][] = [
    ['bad_signature', 'invalid_token'],
    ['wrong_audience', 'invalid_token'],
    ['expired', 'invalid_token'],
    ['wrong_issuer', 'invalid_token'],
    ['nonce_mismatch', 'nonce_mismatch'],
    ['state_mismatch', 'state_mismatch'],
    ['access_denied', 'provider_error'],
  ];
  it.each(refusals)(
    'refuses %s: back to the login page with %s, no session, no user',
    async (fault, code) => {
      idp.fault = fault;
      idp.user = { sub: `victim-${fault}`, preferred_username: `victim-${fault}`, groups: ['eng'] };
      const outcome = await ssoSignIn(server);
      expect(outcome.location).toBe(`/?sso_error=${code}`);
      expect(outcome.session).toBeUndefined();
      const users = await api.call('GET', '/api/v1/users', { token: adminToken });
      expect(JSON.stringify(users.body)).not.toContain(`victim-${fault}`);
      expect(logs.lines.some((line) => line.includes('single sign-on refused') && line.includes(code))).toBe(
        true,
      );
      expect(logs.lines.join('\n')).not.toMatch(/eyJ|fake-oidc-client-secret/);
    },
  );

  it('refuses a callback that comes without the browser cookie of its start (another browser)', async () => {
    const exchanged = idp.exchanges;
    const outcome = await ssoSignIn(server, { dropCookie: true });
    expect(outcome).toMatchObject({ location: '/?sso_error=state_mismatch', session: undefined });
    expect(idp.exchanges).toBe(exchanged);
  });

  it('never follows return_to off the server', async () => {
    const outcome = await ssoSignIn(server, { returnTo: '//evil.example/x' });
    expect(outcome.location).toBe('/');
  });
});

describe('single sign-on with local passwords for admins only, and its rate limit', () => {
  let strict: Awaited<ReturnType<typeof startAccountsServer>>;
  beforeAll(async () => {
    strict = await startAccountsServer(
      { PGMCP_OIDC_CLIENT_SECRET: idp.clientSecret },
      {
        yaml: ssoYaml(idp, ['local_passwords: admins_only']).replace(
          'auth:\n',
          'auth:\n  ip_rate_limit: { max_failures: 3, window_minutes: 5 }\n',
        ),
      },
    );
  });
  afterAll(async () => {
    await strict?.server.close();
  });

  it('refuses a non-admin password login pointing to single sign-on; admins keep their passwords', async () => {
    const { api: strictApi, adminToken: strictAdmin } = strict;
    const options = await strictApi.call('GET', '/api/v1/auth/login-options');
    expect(options.body).toMatchObject({ password_login: 'admins_only' });
    const password = 'a password long enough 42';
    for (const username of ['plain', 'delegate']) {
      const made = await strictApi.call('POST', '/api/v1/users', {
        token: strictAdmin,
        body: { username, password },
      });
      expect(made.status, made.text).toBe(201);
    }
    const refused = await strictApi.call('POST', '/api/v1/auth/login', {
      body: { username: 'plain', password },
    });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Sign in with Acme');
    expect(refused.headers.get('set-cookie')).toBeNull();
    // A holder of an admin permission is an administrator too.
    await strictApi.call('POST', '/api/v1/groups', { token: strictAdmin, body: { name: 'helpdesk' } });
    const grant = await strictApi.call('POST', '/api/v1/privileges', {
      token: strictAdmin,
      body: { group: 'helpdesk', privilege: { type: 'admin', permission: 'manage_users' } },
    });
    expect(grant.status, grant.text).toBeLessThan(300);
    const helpdeskId = (await strictApi.call('GET', '/api/v1/groups', { token: strictAdmin })).body as {
      groups: { id: string; name: string }[];
    };
    const group = helpdeskId.groups.find((g) => g.name === 'helpdesk')!;
    await strictApi.call('POST', `/api/v1/groups/${group.id}/members`, {
      token: strictAdmin,
      body: { username: 'delegate' },
    });
    expect(
      (await strictApi.call('POST', '/api/v1/auth/login', { body: { username: 'delegate', password } }))
        .status,
    ).toBe(200);
    expect(
      (
        await strictApi.call('POST', '/api/v1/auth/login', {
          body: { username: 'admin', password: ADMIN_PASSWORD },
        })
      ).status,
    ).toBe(200);
    // Single sign-on still works for everyone.
    expect((await ssoSignIn(strict.server)).session).toBeDefined();
  });

  it('limits failed callbacks per address like password logins', async () => {
    idp.fault = 'state_mismatch';
    for (let i = 0; i < 3; i++)
      expect((await ssoSignIn(strict.server)).location).toBe('/?sso_error=state_mismatch');
    idp.fault = undefined;
    const limited = await ssoSignIn(strict.server);
    expect(limited).toMatchObject({ location: '/?sso_error=rate_limited', session: undefined });
  });
});
