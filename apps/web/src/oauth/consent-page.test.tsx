import type { OAuthDecision, OAuthRequest } from '@pgmcp/api-contract';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ConsentPage, type ConsentPageProps } from './consent-page.js';

const REQUEST: OAuthRequest = {
  id: 'azr_1',
  client: {
    id: 'mcp_1',
    kind: 'dynamic',
    name: 'Claude Desktop',
    client_uri: 'https://claude.ai',
    redirect_uri: 'http://127.0.0.1:6274/callback',
    redirect_origin: 'http://127.0.0.1:6274',
  },
  resource: 'http://127.0.0.1/mcp/v1',
  expires_at: '2026-12-07T00:00:00.000Z',
  connections: [
    { name: 'prod', access: 'read' },
    { name: 'staging', access: 'read_write' },
  ],
  tools: ['get_schema_info', 'query_database'],
};

function setup() {
  const decisions: OAuthDecision[] = [];
  const done: string[] = [];
  const api: ConsentPageProps['api'] = {
    getOAuthRequest: async () => REQUEST,
    decideOAuthRequest: async ({ body }) => {
      decisions.push(body);
      return { redirect_to: `${REQUEST.client.redirect_uri}?code=c&state=s` };
    },
  };
  render(<ConsentPage api={api} requestId="azr_1" onDone={(url) => done.push(url)} />);
  return { decisions, done, user: userEvent.setup() };
}

describe('ConsentPage', () => {
  it('shows who asks and where it returns to, and sends what the user narrowed it to', async () => {
    const { decisions, done, user } = setup();
    expect(await screen.findByText('Claude Desktop')).toBeTruthy();
    expect(screen.getByText('http://127.0.0.1:6274')).toBeTruthy();
    // Read/write is offered only where the user has it.
    expect(screen.getByLabelText('Access to prod').querySelectorAll('option')).toHaveLength(2);
    // Read-only by default; the user widens staging and drops prod.
    expect(screen.getByLabelText<HTMLSelectElement>('Access to staging').value).toBe('read');
    await user.selectOptions(screen.getByLabelText('Access to staging'), 'read_write');
    await user.selectOptions(screen.getByLabelText('Access to prod'), 'none');
    await user.click(screen.getByRole('checkbox', { name: 'get_schema_info' }));
    await user.click(screen.getByRole('button', { name: 'Allow' }));
    expect(decisions).toEqual([
      { approve: true, connections: [{ name: 'staging', access: 'read_write' }], tools: ['query_database'] },
    ]);
    expect(done).toEqual(['http://127.0.0.1:6274/callback?code=c&state=s']);
  });

  it('sends a refusal', async () => {
    const { decisions, user } = setup();
    await user.click(await screen.findByRole('button', { name: 'Deny' }));
    expect(decisions).toEqual([{ approve: false }]);
  });
});
