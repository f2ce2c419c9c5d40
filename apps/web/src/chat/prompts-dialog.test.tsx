import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createFakeMcp } from '../testing/fakes.js';
import { PromptsDialog } from './prompts-dialog.js';

describe('PromptsDialog', () => {
  it('lists the prompts, fills in the arguments and runs the result in the chat', async () => {
    const user = userEvent.setup();
    const mcp = createFakeMcp({}, [
      {
        name: 'explore-database',
        description: 'A tour of the schema',
        arguments: [],
        text: () => 'Explore.',
      },
      {
        name: 'diagnose-query-issue',
        description: 'Find out why a query misbehaves',
        arguments: [{ name: 'issue_description', description: 'What goes wrong', required: true }],
        text: (args) => `Diagnose: ${args.issue_description}`,
      },
    ]);
    const onRun = vi.fn();
    const onClose = vi.fn();
    render(<PromptsDialog mcp={async () => mcp} onRun={onRun} onClose={onClose} />);
    await user.click(await screen.findByRole('button', { name: /diagnose-query-issue/ }));
    await user.type(screen.getByLabelText(/issue description/), 'The orders report takes 40 s');
    await user.click(screen.getByRole('button', { name: 'Run in chat' }));
    expect(onRun).toHaveBeenCalledWith('Diagnose: The orders report takes 40 s');
    expect(onClose).toHaveBeenCalled();
  });

  it('turns "Run in chat" off with the reason when no LLM provider can answer', async () => {
    const user = userEvent.setup();
    const mcp = createFakeMcp({}, [
      {
        name: 'explore-database',
        description: 'A tour of the schema',
        arguments: [],
        text: () => 'Explore.',
      },
    ]);
    const onRun = vi.fn();
    render(
      <PromptsDialog
        mcp={async () => mcp}
        onRun={onRun}
        onClose={vi.fn()}
        unavailable="No LLM provider is configured. Set ANTHROPIC_API_KEY."
      />,
    );
    await user.click(await screen.findByRole('button', { name: /explore-database/ }));
    const runButton = screen.getByRole<HTMLButtonElement>('button', { name: 'Run in chat' });
    expect(runButton.disabled).toBe(true);
    expect(runButton.getAttribute('aria-describedby')).toBeTruthy();
    expect(screen.getByText(/cannot run prompts now: No LLM provider is configured/)).toBeTruthy();
    await user.keyboard('{Enter}');
    expect(onRun).not.toHaveBeenCalled();
  });
});
