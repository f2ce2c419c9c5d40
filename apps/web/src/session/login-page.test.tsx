import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../app.js';
import type { AppEnvFactory } from '../env.js';
import { createFakeApi, createFakeMcp, withUnauthorizedHook } from '../testing/fakes.js';
import { createScriptedLlm } from '@pgmcp/agent/testing';

function renderApp(options: Parameters<typeof createFakeApi>[0]) {
  const api = createFakeApi(options);
  const createEnv: AppEnvFactory = (onUnauthorized) => ({
    api: withUnauthorizedHook(api, onUnauthorized),
    connectMcp: async () => createFakeMcp({}),
    llm: createScriptedLlm(),
  });
  render(<App createEnv={createEnv} />);
}

afterEach(() => window.history.replaceState(null, '', '/'));

describe('the login page with single sign-on', () => {
  it('offers "Sign in with …" returning to the page the user was on, beside the password form', async () => {
    window.history.replaceState(null, '', '/oauth/consent?request=r1');
    renderApp({
      loginOptions: {
        password_login: 'everyone',
        sso: { label: 'Sign in with Acme', start_url: '/api/v1/auth/oidc/start' },
      },
    });
    const button = await screen.findByRole('link', { name: 'Sign in with Acme' });
    expect(button.getAttribute('href')).toBe(
      `/api/v1/auth/oidc/start?return_to=${encodeURIComponent('/oauth/consent?request=r1')}`,
    );
    expect(screen.getByLabelText('Password')).toBeTruthy();
  });

  it('says why a sign-in was refused, from the code only, and takes it out of the address', async () => {
    window.history.replaceState(null, '', '/?sso_error=nonce_mismatch');
    renderApp({
      loginOptions: { password_login: 'admins_only', sso: { label: 'Sign in with Acme', start_url: '/s' } },
    });
    expect((await screen.findByRole('alert')).textContent).toMatch(/nonce mismatch/);
    expect(window.location.search).toBe('');
    expect(await screen.findByText('Administrators: sign in with a password')).toBeTruthy();
  });

  it('shows no button when the server has no single sign-on', async () => {
    renderApp({});
    await screen.findByLabelText('Password');
    expect(screen.queryByRole('link', { name: /Sign in with/ })).toBeNull();
  });
});
