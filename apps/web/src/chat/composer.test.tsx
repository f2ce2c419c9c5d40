import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from './composer.js';

function setup(props: Partial<Parameters<typeof Composer>[0]> = {}) {
  const onSend = vi.fn();
  const onStop = vi.fn();
  const onDraftChange = vi.fn();
  render(
    <Composer
      initialDraft=""
      onDraftChange={onDraftChange}
      onSend={onSend}
      onStop={onStop}
      running={false}
      lastMessage="What was the revenue?"
      {...props}
    />,
  );
  return { onSend, onStop, onDraftChange, box: screen.getByLabelText<HTMLTextAreaElement>('Message') };
}

describe('Composer', () => {
  it('sends with Enter and clears; Shift+Enter makes a new line', async () => {
    const user = userEvent.setup();
    const { onSend, box } = setup();
    await user.type(box, 'first line{Shift>}{Enter}{/Shift}second line');
    expect(box.value).toBe('first line\nsecond line');
    expect(onSend).not.toHaveBeenCalled();
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledWith('first line\nsecond line');
    expect(box.value).toBe('');
  });

  it('recalls the last message with ↑ in an empty box, and keeps the draft', async () => {
    const user = userEvent.setup();
    const { box, onDraftChange } = setup();
    await user.click(box);
    await user.keyboard('{ArrowUp}');
    expect(box.value).toBe('What was the revenue?');
    expect(onDraftChange).toHaveBeenLastCalledWith('What was the revenue?');
  });

  it('starts from a kept draft', () => {
    const { box } = setup({ initialDraft: 'half-typed question' });
    expect(box.value).toBe('half-typed question');
  });

  it('shows Stop while running; Esc and the button stop; Enter does not send', async () => {
    const user = userEvent.setup();
    const { box, onStop, onSend } = setup({ running: true });
    await user.type(box, 'next{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    await user.keyboard('{Escape}');
    await user.click(screen.getByRole('button', { name: /stop/i }));
    expect(onStop).toHaveBeenCalledTimes(2);
  });

  it('does not send blank text', async () => {
    const user = userEvent.setup();
    const { box, onSend } = setup();
    await user.type(box, '   {Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: /send/i })).toHaveProperty('disabled', true);
  });
});
