import type { Block, StreamEvent } from '@pgmcp/api-contract';
import { LlmClientError, type LlmClientErrorCode } from './errors.js';
import type { LlmChatResult } from './types.js';

/**
 * Reads a stream to its end and assembles the message it carried, as `chat()` would return it
 * (without `model`). An `error` event is thrown as an {@link LlmClientError}.
 */
export async function collectStream(
  events: AsyncIterable<StreamEvent>,
): Promise<Omit<LlmChatResult, 'model'>> {
  const content: Block[] = [];
  const names = new Map<string, string>();
  for await (const event of events) {
    switch (event.type) {
      case 'text': {
        const last = content.at(-1);
        if (last?.type === 'text') last.text += event.text;
        else content.push({ type: 'text', text: event.text });
        break;
      }
      case 'tool_use_start':
        names.set(event.id, event.name);
        break;
      case 'tool_use_delta':
        break;
      case 'tool_use_end':
        content.push({ type: 'tool_use', id: event.id, name: names.get(event.id) ?? '', input: event.input });
        break;
      case 'done':
        return { content, stop_reason: event.stop_reason, usage: event.usage };
      case 'error':
        throw new LlmClientError(event.code as LlmClientErrorCode, event.message);
    }
  }
  throw new LlmClientError('BAD_RESPONSE', 'The stream ended without a done event.');
}
