import {
  type Conversation,
  ConversationInputSchema,
  type ConversationList,
  ConversationListQuerySchema,
  type DeletedConversations,
  RenameConversationSchema,
} from '@pgmcp/api-contract';
import {
  type Conversation as StoredConversation,
  ConversationStoreError,
  type ConversationSummary as StoredSummary,
} from '@pgmcp/conversation-store';
import { type Context, Hono } from 'hono';
import { type AuthVariables, requireCaller } from '../auth/caller.js';
import type { ServerDeps } from '../deps.js';
import { CONVERSATION_STORE_ERRORS, ERROR_STATUS } from '../error-codes.js';
import { errorResponse } from '../http-edge.js';
import { jsonBody } from '../rest.js';

function conversationError(c: Context, error: unknown): Response {
  if (!(error instanceof ConversationStoreError)) throw error;
  return c.json(
    { error: { code: error.code, message: error.message } },
    ERROR_STATUS[CONVERSATION_STORE_ERRORS[error.code]],
  );
}

function toApiSummary(summary: StoredSummary): ConversationList['conversations'][number] {
  return {
    id: summary.id,
    title: summary.title,
    provider: summary.provider ?? null,
    model: summary.model ?? null,
    connection: summary.connection ?? null,
    preview: summary.preview,
    message_count: summary.messageCount,
    created_at: summary.createdAt.toISOString(),
    updated_at: summary.updatedAt.toISOString(),
  };
}

function toApiConversation(conversation: StoredConversation): Conversation {
  return {
    id: conversation.id,
    title: conversation.title,
    provider: conversation.provider ?? null,
    model: conversation.model ?? null,
    connection: conversation.connection ?? null,
    messages: conversation.messages,
    created_at: conversation.createdAt.toISOString(),
    updated_at: conversation.updatedAt.toISOString(),
  };
}

/**
 * `/api/v1/conversations*`: the caller's stored conversations. Every call is scoped to the caller's
 * user id, so another user's conversation answers 404 exactly like a missing one.
 */
export function conversationRoutes(deps: ServerDeps): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const { conversations } = deps;
  const loggedIn = requireCaller(deps.resolveCaller);

  app.get('/api/v1/conversations', loggedIn, async (c) => {
    const query = ConversationListQuerySchema.safeParse(c.req.query());
    if (!query.success) {
      const problems = query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return errorResponse(c, 'BAD_REQUEST', `Invalid query: ${problems}.`);
    }
    try {
      const page = await conversations.list(c.var.caller.user.id, query.data);
      const body: ConversationList = {
        conversations: page.conversations.map(toApiSummary),
        next_cursor: page.nextCursor ?? null,
      };
      return c.json(body);
    } catch (error) {
      return conversationError(c, error);
    }
  });

  app.post('/api/v1/conversations', loggedIn, jsonBody(ConversationInputSchema), async (c) => {
    try {
      const created = await conversations.create(c.var.caller.user.id, c.req.valid('json'));
      return c.json(toApiConversation(created), 201);
    } catch (error) {
      return conversationError(c, error);
    }
  });

  app.delete('/api/v1/conversations', loggedIn, async (c) => {
    const body: DeletedConversations = { deleted: await conversations.deleteAll(c.var.caller.user.id) };
    return c.json(body);
  });

  app.get('/api/v1/conversations/:id', loggedIn, async (c) => {
    try {
      return c.json(toApiConversation(await conversations.get(c.var.caller.user.id, c.req.param('id'))));
    } catch (error) {
      return conversationError(c, error);
    }
  });

  app.put('/api/v1/conversations/:id', loggedIn, jsonBody(ConversationInputSchema), async (c) => {
    try {
      const replaced = await conversations.replace(
        c.var.caller.user.id,
        c.req.param('id'),
        c.req.valid('json'),
      );
      return c.json(toApiConversation(replaced));
    } catch (error) {
      return conversationError(c, error);
    }
  });

  app.patch('/api/v1/conversations/:id', loggedIn, jsonBody(RenameConversationSchema), async (c) => {
    try {
      const renamed = await conversations.rename(
        c.var.caller.user.id,
        c.req.param('id'),
        c.req.valid('json').title,
      );
      return c.json(toApiConversation(renamed));
    } catch (error) {
      return conversationError(c, error);
    }
  });

  app.delete('/api/v1/conversations/:id', loggedIn, async (c) => {
    try {
      await conversations.delete(c.var.caller.user.id, c.req.param('id'));
      return c.body(null, 204);
    } catch (error) {
      return conversationError(c, error);
    }
  });

  return app;
}
