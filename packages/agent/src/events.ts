import type { Message, Usage } from '@pgmcp/api-contract';
import type { AgentError } from './errors.js';

/** Why a turn ended. */
export type TurnStopReason =
  /** The model answered without calling tools. */
  | 'end_turn'
  /** The model hit its output token limit. */
  | 'max_tokens'
  | 'stop_sequence'
  /** The turn made `maxIterations` model calls; tools requested by the last one were not run. */
  | 'iteration_limit'
  /** The caller's signal aborted the turn. */
  | 'cancelled'
  /** The model call (or listing the tools) failed; see `error`. */
  | 'error';

/** How one tool call ended. */
export type ToolCallStatus =
  /** It ran and succeeded. */
  | 'ok'
  /** It ran and the tool reported an error, failed, or the tool is unknown. */
  | 'error'
  /** The confirmation hook said no (or there is none); it did not run. */
  | 'declined'
  /** The turn was cancelled before or while it ran. */
  | 'cancelled'
  /** The iteration limit was reached; it did not run. */
  | 'not_run';

/** Progress of a turn, for the UI. Events come in the order described in the README. */
export type AgentEvent =
  /** A model call is about to start (1-based). */
  | { type: 'iteration_start'; iteration: number; maxIterations: number }
  /** The history was over budget and the compaction hook shortened it. */
  | {
      type: 'compacted';
      messagesBefore: number;
      messagesAfter: number;
      tokensBefore: number;
      tokensAfter: number;
    }
  /** The compaction hook failed or returned an invalid history; the turn went on with the full history. */
  | { type: 'compaction_failed'; message: string }
  /** A piece of the assistant's text as it streams. */
  | { type: 'text'; text: string; iteration: number }
  /** The model asked for a tool call; `needsConfirmation` says whether the confirmation hook will be asked. */
  | {
      type: 'tool_call_requested';
      id: string;
      name: string;
      input: Record<string, unknown>;
      sql?: string;
      needsConfirmation: boolean;
      iteration: number;
    }
  /** A tool call starts running (after confirmation, if it needed one). */
  | {
      type: 'tool_call_started';
      id: string;
      name: string;
      input: Record<string, unknown>;
      sql?: string;
      iteration: number;
    }
  /** A tool call ended, whether it ran or not; exactly one per requested call. */
  | {
      type: 'tool_call_finished';
      id: string;
      name: string;
      status: ToolCallStatus;
      isError: boolean;
      /** Time the tool ran (0 when it did not run). */
      durationMs: number;
      /** `row_count` (or the number of `rows`) of the structured result, when present. */
      rowCount?: number;
      /** The tool's structured result, e.g. query_database's `{columns, rows, row_count, truncated, next_offset}`. */
      structuredContent?: Record<string, unknown>;
      /** The text the model reads. */
      text: string;
      iteration: number;
    }
  /** Token usage of one model call. */
  | { type: 'usage'; usage: Usage; iteration: number }
  /** A message was added to the history (the assistant's answer, or the user-side tool results). */
  | { type: 'message'; message: Message }
  /** The turn is ending because of this error (stopReason 'error'). */
  | { type: 'error'; error: AgentError }
  /** The turn ended; always the last event. */
  | {
      type: 'done';
      stopReason: TurnStopReason;
      cancelled: boolean;
      iterations: number;
      usage: Usage;
      /** A sentence for the user when the turn stopped early (iteration limit, cancellation, error). */
      notice?: string;
    };

/** Receives the events of a turn. It must not throw; if it does, the error is ignored so the turn stays consistent. */
export type AgentEventHandler = (event: AgentEvent) => void;
