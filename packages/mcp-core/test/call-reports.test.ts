import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMcpRegistry, type McpCallReport, type McpContext, ToolError } from '../src/index.js';

// onCall is what an activity log hangs on: every tool call, resource read and prompt request.

interface State {
  denied: string[];
}

const context = (denied: string[] = []): McpContext<State> => ({
  principal: { id: 'u1', name: 'ada', kind: 'user' },
  sessionKey: 's1',
  state: { denied },
  signal: new AbortController().signal,
});

function build() {
  const reports: McpCallReport<State>[] = [];
  const registry = createMcpRegistry<State>({
    identity: { name: 't', version: '1' },
    authorize: (item, ctx) => !ctx.state.denied.includes(item.name),
    onCall: (report) => reports.push(report),
  });
  registry.addTool({
    name: 'echo',
    description: 'Echoes.',
    input: z.object({ text: z.string() }),
    handler: async ({ text }) => {
      if (text === 'refuse') throw new ToolError('Refused: writes are not allowed.', { refused: true });
      if (text === 'fail') throw new ToolError('ERROR 42P01: no such table');
      return { content: [{ type: 'text', text }] };
    },
  });
  registry.addResource({ uri: 'x://info', name: 'info', read: async () => '{"a":1}' });
  registry.addPrompt({
    name: 'hello',
    args: z.object({ who: z.string() }),
    render: ({ who }) => [{ role: 'user', content: { type: 'text', text: `Hello ${who}` } }],
  });
  return { registry, reports };
}

describe('onCall', () => {
  it('reports outcomes, reasons and bytes of tool calls', async () => {
    const { registry, reports } = build();
    await registry.callTool('echo', { text: 'héllo' }, context());
    await registry.callTool('echo', { text: 'refuse' }, context());
    await registry.callTool('echo', { text: 'fail' }, context());
    await registry.callTool('echo', { text: 42 }, context());
    await registry.callTool('echo', { text: 'x' }, context(['echo']));
    expect(reports.map((r) => [r.kind, r.name, r.outcome, r.bytes])).toEqual([
      ['tool', 'echo', 'ok', 6],
      ['tool', 'echo', 'refused', 32],
      ['tool', 'echo', 'error', 26],
      ['tool', 'echo', 'error', expect.any(Number)],
      ['tool', 'echo', 'refused', expect.any(Number)],
    ]);
    expect(reports[0]).toMatchObject({
      arguments: { text: 'héllo' },
      context: { principal: { name: 'ada' } },
    });
    expect(reports[0]!.reason).toBeUndefined();
    expect(reports[1]!.reason).toBe('Refused: writes are not allowed.');
    expect(reports[4]!.reason).toMatch(/not allowed to use the tool "echo"/);
    expect(reports.every((r) => r.durationMs >= 0)).toBe(true);
  });

  it('reports resource reads and prompt requests, refused ones too', async () => {
    const { registry, reports } = build();
    await registry.dispatch('resources/read', { uri: 'x://info' }, context());
    await expect(
      registry.dispatch('resources/read', { uri: 'x://info' }, context(['x://info'])),
    ).rejects.toThrow();
    await registry.dispatch('prompts/get', { name: 'hello', arguments: { who: 'Bo' } }, context());
    await expect(
      registry.dispatch('prompts/get', { name: 'hello', arguments: {} }, context()),
    ).rejects.toThrow();
    expect(reports.map((r) => [r.kind, r.name, r.outcome, r.bytes])).toEqual([
      ['resource', 'x://info', 'ok', 7],
      ['resource', 'x://info', 'refused', 0],
      ['prompt', 'hello', 'ok', expect.any(Number)],
      ['prompt', 'hello', 'error', 0],
    ]);
    expect(reports[3]!.reason).toMatch(/Invalid arguments for prompt hello/);
  });
});
