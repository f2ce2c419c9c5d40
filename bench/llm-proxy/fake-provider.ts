/**
 * Child process of run.ts: the fake Anthropic server, in its own process so that it does not share
 * an event loop with the proxy being measured. Each request's user message is a Scenario (JSON).
 */
import { lastUserText, startFakeProvider, textReply } from '@pgmcp/llm-clients/testing';
import type { Ready, Scenario } from './scenario.js';

const fake = await startFakeProvider({
  provider: 'anthropic',
  responder: ({ chat }) => {
    const scenario = JSON.parse(lastUserText(chat) ?? '{}') as Scenario;
    return textReply('x'.repeat(scenario.chars), {
      delayMs: scenario.firstTokenDelayMs,
      usage: { input_tokens: 10, output_tokens: Math.ceil(scenario.chars / 4) },
      stream: { textChunkSize: scenario.chunk, delayMs: scenario.delayMs },
    });
  },
});
process.send!({ url: fake.url } satisfies Ready);
process.once('disconnect', () => void fake.close().then(() => process.exit(0)));
