// The store.
export {
  createConversationStore,
  type Conversation,
  type ConversationInput,
  type ConversationPage,
  type ConversationStore,
  type ConversationStoreConfig,
  type ConversationSummary,
  type ListOptions,
} from './conversation-store.js';

// Titles and previews, for clients that want to show them before saving.
export { previewFrom, titleFrom, UNTITLED } from './summary-text.js';

// Errors.
export { ConversationStoreError, type ConversationStoreErrorCode } from './errors.js';
