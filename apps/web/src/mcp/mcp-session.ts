import type { Client } from '@modelcontextprotocol/client';
import {
  type AgentToolbox,
  connectMcpClient,
  createMcpToolbox,
  isAgentError,
  isUnauthorized,
  resultText,
  toToolCallOutcome,
} from '@pgmcp/agent';
import { ApiError } from '@pgmcp/api-contract';
import { errorMessage } from '../api/error-message.js';

/** A tool's answer as the UI shows it. */
export interface ToolOutcome {
  text: string;
  isError: boolean;
  structured?: Record<string, unknown>;
}

/** One MCP prompt and the arguments its form asks for. */
export interface PromptInfo {
  name: string;
  title?: string;
  description?: string;
  arguments: { name: string; description?: string; required: boolean }[];
}

/** The MCP side of the web client: the agent's tools, direct tool calls (SQL console, paging) and prompts. */
export interface McpSession {
  readonly toolbox: AgentToolbox;
  /** Calls a tool directly; tool failures come back as `isError`, a lost session throws ApiError UNAUTHORIZED. */
  callTool(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolOutcome>;
  listPrompts(): Promise<PromptInfo[]>;
  /** The prompt's text with its arguments filled in, ready to send as a user message. */
  getPrompt(name: string, args: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

function unauthorized(onUnauthorized?: () => void): ApiError {
  onUnauthorized?.();
  return new ApiError('UNAUTHORIZED', 'Your session has ended; log in again.', 401);
}

/** Wraps a connected official MCP client. */
export function mcpSessionOf(client: Client, onUnauthorized?: () => void): McpSession {
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (isUnauthorized(error)) throw unauthorized(onUnauthorized);
      throw error;
    }
  };
  return {
    toolbox: createMcpToolbox(client),
    async callTool(name, args, signal) {
      try {
        const result = await guard(() =>
          client.callTool({ name, arguments: args }, signal ? { signal } : undefined),
        );
        const outcome = toToolCallOutcome(result);
        return {
          text: resultText(outcome.content),
          isError: outcome.isError,
          ...(outcome.structuredContent ? { structured: outcome.structuredContent } : {}),
        };
      } catch (error) {
        if (error instanceof ApiError || signal?.aborted) throw error;
        // Invalid arguments and transport failures read like tool errors: the console shows them in place.
        return { text: errorMessage(error), isError: true };
      }
    },
    async listPrompts() {
      const { prompts } = await guard(() => client.listPrompts());
      return prompts.map((p) => ({
        name: p.name,
        ...(p.title ? { title: p.title } : {}),
        ...(p.description ? { description: p.description } : {}),
        arguments: (p.arguments ?? []).map((a) => ({
          name: a.name,
          ...(a.description ? { description: a.description } : {}),
          required: a.required === true,
        })),
      }));
    },
    async getPrompt(name, args) {
      const result = await guard(() => client.getPrompt({ name, arguments: args }));
      return result.messages
        .map((m) => (m.content.type === 'text' ? m.content.text : ''))
        .filter((text) => text !== '')
        .join('\n\n');
    },
    close: () => client.close(),
  };
}

/** Connects to the page's own `/mcp/v1` with the session cookie. */
export async function connectMcpSession(onUnauthorized?: () => void): Promise<McpSession> {
  try {
    const client = await connectMcpClient({
      url: '/mcp/v1',
      clientInfo: { name: 'pgmcp-web', version: '1' },
    });
    return mcpSessionOf(client, onUnauthorized);
  } catch (error) {
    if (isAgentError(error, 'UNAUTHORIZED')) throw unauthorized(onUnauthorized);
    throw new ApiError('MCP_UNAVAILABLE', errorMessage(error), 0);
  }
}
