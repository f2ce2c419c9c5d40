export type { LlmChatRequest, LlmChatResult, LlmClient, LlmModel } from './types.js';
