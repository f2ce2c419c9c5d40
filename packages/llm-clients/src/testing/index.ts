// Fake provider servers for tests: real HTTP on 127.0.0.1 in each provider's wire format.
export {
  defaultFakeModels,
  startFakeProvider,
  type FakeProvider,
  type FakeProviderKind,
  type FakeProviderOptions,
  type FakeResponder,
  type RecordedChatRequest,
  type RecordedRequest,
} from './fake-provider.js';

// Scripted replies and their builders.
export {
  disconnectReply,
  errorReply,
  hangReply,
  rateLimitReply,
  rawReply,
  textReply,
  toolCallReply,
  type FakeDisconnectReply,
  type FakeErrorReply,
  type FakeHangReply,
  type FakeMessageReply,
  type FakeRawReply,
  type FakeReply,
  type FakeToolCall,
  type FakeUsage,
  type StreamShape,
} from './replies.js';

// Reading what a client sent.
export type { ChatView, FakeModel } from './wire.js';
export { lastToolResult, lastUserText, toolResults, type SeenToolResult } from './chat-view.js';

// Fake embedding servers (OpenAI /v1/embeddings, Ollama /api/embed).
export {
  hashedEmbedding,
  startFakeEmbeddingProvider,
  type FakeEmbeddingProvider,
  type FakeEmbeddingProviderKind,
  type FakeEmbeddingProviderOptions,
  type RecordedEmbeddingRequest,
} from './fake-embeddings.js';
