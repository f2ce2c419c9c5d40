import type { FakeOidcProvider } from '@pgmcp/vitest-config/oidc';
import { expect } from 'vitest';
import type { RunningServer } from '../src/start.js';

/** How a browser-less single sign-on went: where the callback sent the browser, and the cookies set. */
export interface SsoOutcome {
  /** The callback's Location: a local path, `/?sso_error=<code>` on refusal. */
  location: string;
  /** The session cookie's value, when one was set. */
  session: string | undefined;
  /** The Set-Cookie of /start (the attempt cookie). */
  attemptCookie: string;
}

function cookieValue(setCookies: string[], name: string): string | undefined {
  const found = setCookies.find((c) => c.startsWith(`${name}=`));
  const value = found?.split(';')[0]?.slice(name.length + 1);
  return value ? decodeURIComponent(value) : undefined;
}

/**
 * Walks the code flow the way a browser would, over the server's real socket: /start → the fake
 * provider's /authorize → pgmcp's callback (with the attempt cookie unless `dropCookie`).
 */
export async function ssoSignIn(
  server: RunningServer,
  options: { dropCookie?: boolean; returnTo?: string } = {},
): Promise<SsoOutcome> {
  const query = options.returnTo ? `?return_to=${encodeURIComponent(options.returnTo)}` : '';
  const start = await fetch(`${server.url}/api/v1/auth/oidc/start${query}`, { redirect: 'manual' });
  expect(start.status, await start.clone().text()).toBe(302);
  const attemptCookie = start.headers.getSetCookie().find((c) => c.startsWith('pgmcp_sso=')) ?? '';
  const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  expect(authorize.status, await authorize.clone().text()).toBe(302);
  const callback = await fetch(authorize.headers.get('location')!, {
    redirect: 'manual',
    headers: options.dropCookie ? {} : { cookie: attemptCookie.split(';')[0]! },
  });
  expect(callback.status, await callback.clone().text()).toBe(302);
  return {
    location: callback.headers.get('location') ?? '',
    session: cookieValue(callback.headers.getSetCookie(), 'pgmcp_session'),
    attemptCookie,
  };
}

/** The YAML of a server whose single sign-on uses `idp`. */
export function ssoYaml(idp: FakeOidcProvider, more: string[] = []): string {
  return [
    'auth:',
    '  bcrypt_cost: 4',
    '  oidc:',
    `    issuer: ${idp.issuer}`,
    `    client_id: ${idp.clientId}`,
    '    name: Acme',
    '    scopes: [openid, profile, email, groups]',
    '    group_mapping:',
    '      eng: [engineers, readers]',
    '      dba-team: dbas',
    ...more.map((line) => `    ${line}`),
    '',
  ].join('\n');
}
