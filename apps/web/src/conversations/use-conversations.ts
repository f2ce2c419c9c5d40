import type { ConversationSummary } from '@pgmcp/api-contract';
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '@pgmcp/api-contract';
import { errorMessage } from '../api/error-message.js';

/** The sidebar's list of stored conversations, with paging and the operations on it. */
export interface ConversationsState {
  items: ConversationSummary[];
  loading: boolean;
  error?: string;
  hasMore: boolean;
  reload: () => Promise<void>;
  loadMore: () => Promise<void>;
  rename: (id: string, title: string) => Promise<void>;
  remove: (id: string) => Promise<void>;
  removeAll: () => Promise<void>;
}

/** Loads the caller's conversations (most recent first) and keeps the list in step with changes. */
export function useConversations(
  api: Pick<
    ApiClient,
    'listConversations' | 'renameConversation' | 'deleteConversation' | 'deleteAllConversations'
  >,
): ConversationsState {
  const [items, setItems] = useState<ConversationSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();

  const reload = useCallback(async () => {
    try {
      const page = await api.listConversations({ query: { limit: 50 } });
      setItems(page.conversations);
      setCursor(page.next_cursor);
      setError(undefined);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [api]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const loadMore = useCallback(async () => {
    if (!cursor) return;
    try {
      const page = await api.listConversations({ query: { limit: 50, cursor } });
      setItems((current) => [
        ...current,
        ...page.conversations.filter((c) => !current.some((x) => x.id === c.id)),
      ]);
      setCursor(page.next_cursor);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [api, cursor]);

  const rename = useCallback(
    async (id: string, title: string) => {
      const saved = await api.renameConversation({ params: { id }, body: { title } });
      setItems((current) => current.map((c) => (c.id === id ? { ...c, title: saved.title } : c)));
    },
    [api],
  );

  const remove = useCallback(
    async (id: string) => {
      await api.deleteConversation({ params: { id } });
      setItems((current) => current.filter((c) => c.id !== id));
    },
    [api],
  );

  const removeAll = useCallback(async () => {
    await api.deleteAllConversations();
    setItems([]);
    setCursor(null);
  }, [api]);

  return {
    items,
    loading,
    hasMore: cursor !== null,
    reload,
    loadMore,
    rename,
    remove,
    removeAll,
    ...(error ? { error } : {}),
  };
}
