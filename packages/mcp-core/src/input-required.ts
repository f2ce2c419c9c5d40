import {
  type InputRequiredResult,
  inputRequired,
  inputResponse,
  type ClientCapabilities,
} from '@modelcontextprotocol/server';
import type { InputChannel } from './types.js';

/** Where a 2026-07-28 request declares what its client can do. */
const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';

/**
 * Thrown by a tool handler (at any depth) to answer the call with an input-required result: the
 * client asks its user and retries the same call with the answers (2026-07-28 multi-round-trip;
 * the SDK turns it into real server→client requests on 2025 sessions that declared the capability).
 */
export class InputRequiredSignal extends Error {
  override readonly name = 'InputRequiredSignal';
  constructor(readonly result: InputRequiredResult) {
    super('input required');
  }
}

/** The input channel of a request: what the client declared (per request on 2026-07-28, at initialize before). */
export function inputChannel(
  envelope: unknown,
  sessionCapabilities: ClientCapabilities | undefined,
  responses: Record<string, unknown> | undefined,
  requestState: string | undefined,
): InputChannel {
  const declared =
    ((envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as
      ClientCapabilities | undefined) ?? sessionCapabilities;
  return {
    elicitation: declared?.elicitation !== undefined && declared.elicitation !== null,
    ...(responses ? { responses } : {}),
    ...(requestState !== undefined ? { requestState } : {}),
  };
}

/** The user's answer to a yes/no confirmation asked with {@link askToConfirm}. */
export type ConfirmationAnswer = 'accept' | 'decline' | 'cancel' | 'unanswered';

/**
 * Reads the answer to the confirmation keyed `key` from a retried request; `unanswered` when the
 * request carries none or carries one for another question (`state` differs: the client must not
 * reuse an answer given for another statement).
 */
export function confirmationAnswer(
  channel: InputChannel | undefined,
  key: string,
  state: string,
): ConfirmationAnswer {
  if (!channel?.responses || channel.requestState !== state) return 'unanswered';
  const view = inputResponse(channel.responses, key);
  return view.kind === 'elicit' ? view.action : 'unanswered';
}

/** Asks the client to confirm `message` with its user (a form with no fields: accept, decline or cancel). */
export function askToConfirm(key: string, message: string, state: string): InputRequiredSignal {
  return new InputRequiredSignal(
    inputRequired({
      inputRequests: {
        [key]: inputRequired.elicit({
          mode: 'form',
          message,
          requestedSchema: { type: 'object', properties: {} },
        }),
      },
      requestState: state,
    }),
  );
}
