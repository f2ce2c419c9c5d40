import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/start.js';
import { ADMIN_PASSWORD, type RestClient, startAccountsServer } from './rest-helpers.js';

// Security issue 11 §9 and §12: what a caller without credentials learns from /health, and what a
// page on another site can make a signed-in browser do with its cookie.

let server: RunningServer;
let rest: RestClient;

beforeAll(async () => {
  ({ server, api: rest } = await startAccountsServer());
});
afterAll(async () => {
  await server?.close();
});

/** Logs the admin in as a browser does and returns the session cookie. */
async function browserLogin(): Promise<string> {
  const response = await rest.call('POST', '/api/v1/auth/login', {
    body: { username: 'admin', password: ADMIN_PASSWORD },
  });
  expect(response.status, response.text).toBe(200);
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  expect(cookie).toMatch(/^pgmcp_session=/);
  return cookie!;
}

describe('/health', () => {
  it('tells an anonymous caller only the overall status: no connection names, versions or addresses', async () => {
    const anonymous = await rest.call('GET', '/health');
    expect(anonymous.status).toBe(200);
    // The configured database is down: the status says so, the details stay hidden.
    expect(anonymous.body).toEqual({ status: 'degraded' });
    expect(anonymous.text).not.toMatch(/default|127\.0\.0\.1|:1\b|version/);
  });

  it('gives a signed-in caller the details', async () => {
    const token = await rest.login('admin', ADMIN_PASSWORD);
    const signedIn = await rest.call('GET', '/health', { token });
    expect(signedIn.body).toMatchObject({
      status: 'degraded',
      version: expect.any(String),
      store: { ok: true },
      connections: [{ name: 'default', ok: false }],
    });
  });
});

describe('state-changing requests a page on another site could send with the cookie', () => {
  it('refuses a body-less POST carrying only the cookie, and the session lives on', async () => {
    const cookie = await browserLogin();
    const forged = await rest.call('POST', '/api/v1/auth/logout', { headers: { cookie } });
    expect(forged.status).toBe(403);
    expect(forged.body).toEqual({
      error: { code: 'FORBIDDEN', message: expect.stringContaining('X-Requested-With') },
    });
    expect((await rest.call('GET', '/api/v1/auth/me', { headers: { cookie } })).status).toBe(200);

    const me = await rest.call('GET', '/api/v1/auth/me', { headers: { cookie } });
    const { id } = me.body.user as { id: string };
    expect(id).toMatch(/\w/);
    const unlock = await rest.call('POST', `/api/v1/users/${id}/unlock`, {
      headers: { cookie },
    });
    expect(unlock.status).toBe(403);
  });

  it('accepts the same request from pgmcp’s own client, which sends its header', async () => {
    const cookie = await browserLogin();
    const logout = await rest.call('POST', '/api/v1/auth/logout', {
      headers: { cookie, 'x-requested-with': 'pgmcp' },
    });
    expect(logout.status).toBe(204);
    expect((await rest.call('GET', '/api/v1/auth/me', { headers: { cookie } })).status).toBe(401);
  });
});
