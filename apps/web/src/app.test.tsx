import { createScriptedLlm, scriptedError, scriptedText, scriptedToolCalls } from '@pgmcp/agent/testing';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from './app.js';
import type { AppEnvFactory } from './env.js';
import {
  createFakeApi,
  createFakeMcp,
  FAKE_NOT_CONFIGURED,
  fakeRows,
  withUnauthorizedHook,
} from './testing/fakes.js';

function setup(options: Parameters<typeof createFakeApi>[0] = {}) {
  const api = createFakeApi({ password: 'secret', ...options });
  const llm = createScriptedLlm();
  const mcp = createFakeMcp({
    query_database: { run: (input) => fakeRows(Number(input.offset ?? 0), 2, 2) },
  });
  const createEnv: AppEnvFactory = (onUnauthorized) => ({
    api: withUnauthorizedHook(api, onUnauthorized),
    connectMcp: async () => mcp,
    llm,
  });
  render(<App createEnv={createEnv} />);
  return { api, llm, mcp, user: userEvent.setup() };
}

async function logIn(user: ReturnType<typeof userEvent.setup>, password = 'secret') {
  await user.type(await screen.findByLabelText('Username'), 'admin');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

beforeEach(() => localStorage.clear());

describe('App', () => {
  it('logs in, says why a login failed, and never stores anything secret', async () => {
    const { user } = setup();
    await logIn(user, 'wrong');
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong username or password.');
    await user.type(screen.getByLabelText('Password'), 'secret');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Ask your database' })).toBeTruthy();
    expect(await screen.findByText(/pgmcp 9\.9\.9/)).toBeTruthy();
    expect(JSON.stringify({ ...localStorage })).not.toMatch(/secret/);
    expect(sessionStorage.length).toBe(0);
  });

  it('answers a question with the tool call inline, then lists the conversation', async () => {
    const { user, llm, api } = setup();
    llm.script(
      scriptedToolCalls([{ name: 'query_database', input: { query: 'SELECT n, label FROM t' }, id: 'q1' }], {
        text: 'Checking.',
      }),
      scriptedText('There are **2** rows.', { chunks: 3 }),
    );
    await logIn(user);
    await user.type(await screen.findByLabelText('Message'), 'How many rows?{Enter}');

    const answer = await screen.findByText(
      (_, el) => el?.tagName === 'P' && el.textContent === 'There are 2 rows.',
    );
    expect(answer.querySelector('strong')?.textContent).toBe('2');
    const table = screen.getByRole('table', { name: 'Result of query_database' });
    expect(within(table).getByText('row 2')).toBeTruthy();
    // The turn asked the default provider's default model.
    expect(llm.requests[0]).toMatchObject({ provider: 'anthropic', model: 'claude-test' });

    const nav = screen.getByRole('navigation', { name: 'Conversations' });
    expect(await within(nav).findByText('How many rows?', { selector: '.conv-title' })).toBeTruthy();
    expect(api.conversations[0]!.messages).toHaveLength(4);
  });

  it('asks before a write and runs nothing when declined', async () => {
    const { user, llm, mcp } = setup();
    mcp.toolbox.listTools = async () => [
      {
        name: 'query_database',
        description: '',
        input_schema: { type: 'object' },
        annotations: { readOnlyHint: false, destructiveHint: true },
      },
    ];
    llm.script(
      scriptedToolCalls([{ name: 'query_database', input: { query: 'DELETE FROM t' }, id: 'w1' }]),
      scriptedText('Nothing was deleted.'),
    );
    await logIn(user);
    await user.type(await screen.findByLabelText('Message'), 'Delete everything{Enter}');
    const dialog = await screen.findByRole('dialog', { name: 'Allow this change?' });
    expect(within(dialog).getByText(/DELETE/)).toBeTruthy();
    // The safe answer has the focus.
    expect(document.activeElement?.textContent).toBe('Don’t run');
    await user.keyboard('{Enter}');
    expect(await screen.findByText('Nothing was deleted.')).toBeTruthy();
    expect(mcp.calls).toEqual([]);
    expect(screen.getByText('You declined; nothing ran.')).toBeTruthy();
  });

  it('goes back to login when the session ends, keeps the typed message and restores it', async () => {
    const { user, llm, api } = setup();
    await logIn(user);
    const box = await screen.findByLabelText('Message');
    api.loggedIn = false;
    llm.script(scriptedError('UNAUTHORIZED', 'The session is not valid.'));
    await user.type(box, 'A long question I do not want to type again{Enter}');

    expect(
      await screen.findByText(/Your session has ended\. Sign in again — your unsent message is kept/),
    ).toBeTruthy();
    await logIn(user);
    const restored = await screen.findByLabelText<HTMLTextAreaElement>('Message');
    expect(restored.value).toBe('A long question I do not want to type again');
  });

  it('says which variables to set when no LLM is configured, and offers the console', async () => {
    const { user } = setup({ llmConfigured: false });
    await logIn(user);
    const alert = await screen.findByText(FAKE_NOT_CONFIGURED);
    expect(alert.closest('[role="alert"]')).toBeTruthy();
    expect(screen.getByText('No LLM configured')).toBeTruthy();
    // Every turn would fail the same way: the message box waits for a provider.
    expect(screen.getByLabelText('Message')).toHaveProperty('disabled', true);
    await user.click(screen.getAllByRole('button', { name: /SQL console/ })[0]!);
    expect(await screen.findByRole('region', { name: 'SQL console' })).toBeTruthy();
  });

  it('logs out', async () => {
    const { user, api } = setup();
    await logIn(user);
    await user.click(await screen.findByRole('button', { name: /log out/i }));
    expect(await screen.findByText('You are signed out.')).toBeTruthy();
    expect(api.loggedIn).toBe(false);
  });

  it('skips the login when authentication is off', async () => {
    setup({ authEnabled: false });
    expect(await screen.findByRole('heading', { name: 'Ask your database' })).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('button', { name: /log out/i })).toBeNull());
  });

  it('shows the Connections admin screen only to those who may manage connections', async () => {
    const { user } = setup();
    await logIn(user);
    await user.click(await screen.findByRole('button', { name: 'Admin' }));
    await user.click(await screen.findByRole('button', { name: 'Connections' }));
    expect(await screen.findByRole('region', { name: 'Connections' })).toBeTruthy();
    expect(await screen.findByText('built in (read-only)')).toBeTruthy();
  });

  it('shows holders of manage_users the Users section but not Connections', async () => {
    const { user } = setup({ admin: ['manage_users'] });
    await logIn(user);
    await user.click(await screen.findByRole('button', { name: 'Admin' }));
    const nav = await screen.findByRole('navigation', { name: 'Admin sections' });
    expect(
      within(nav)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Users', 'Account', 'Activity']);
    expect(await screen.findByRole('region', { name: 'Users' })).toBeTruthy();
  });

  it('calls the tab Account for users without an admin permission, with only their own account and activity in it', async () => {
    const { user } = setup({ admin: [] });
    await logIn(user);
    expect((await screen.findAllByRole('button', { name: /SQL console/ })).length).toBeGreaterThan(0);
    expect(screen.queryByRole('button', { name: 'Admin' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Account' }));
    const nav = await screen.findByRole('navigation', { name: 'Admin sections' });
    expect(
      within(nav)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Account', 'Activity']);
    expect(await screen.findByRole('region', { name: 'Account of admin' })).toBeTruthy();
    expect(await screen.findByRole('form', { name: 'Create an API token' })).toBeTruthy();
  });
});
