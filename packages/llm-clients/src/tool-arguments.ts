import { randomUUID } from 'node:crypto';
import { LlmClientError } from './errors.js';

/** Parses a tool call's JSON arguments into an object; empty text means no arguments. */
export function parseToolArguments(
  provider: string,
  toolName: string,
  json: string,
): Record<string, unknown> {
  if (json.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    const shown = json.length > 200 ? `${json.slice(0, 200)}…` : json;
    throw new LlmClientError(
      'BAD_RESPONSE',
      `${provider}: the model sent arguments for tool "${toolName}" that are not valid JSON: ${shown}`,
      { provider },
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new LlmClientError(
      'BAD_RESPONSE',
      `${provider}: the model sent arguments for tool "${toolName}" that are not a JSON object.`,
      { provider },
    );
  }
  return parsed as Record<string, unknown>;
}

/** An id for a tool call whose provider sent none (Ollama, some OpenAI-compatible servers). */
export function newToolCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
