import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Conversation, ConversationSchema, type Message } from '@pgmcp/api-contract';
import type { ConversationStore } from './backend.js';
import { ChatError } from './chat-error.js';
import { writeJsonFile } from './chat-files.js';

/** The text of a message's text blocks. */
function textOfMessage(message: Message): string {
  if (typeof message.content === 'string') return message.content;
  return message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(' ');
}

/** A title made from the first user message, like the server's. */
function titleFrom(messages: readonly Message[]): string {
  const first = messages.find((m) => m.role === 'user' && textOfMessage(m).trim() !== '');
  const text = first ? textOfMessage(first).replace(/\s+/g, ' ').trim() : 'New conversation';
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** Conversations as JSON files (one per conversation) in `dir`, for local mode. */
export function createLocalConversationStore(
  dir: string,
  now: () => Date = () => new Date(),
): ConversationStore {
  const fileOf = (id: string) => {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(id)) {
      throw new ChatError('NOT_FOUND', `There is no conversation "${id}". /list conversations shows them.`);
    }
    return path.join(dir, `${id}.json`);
  };
  const read = (file: string): Conversation | undefined => {
    try {
      const parsed = ConversationSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  };
  const get = async (id: string): Promise<Conversation> => {
    const conversation = read(fileOf(id));
    if (!conversation)
      throw new ChatError('NOT_FOUND', `There is no conversation "${id}". /list conversations shows them.`);
    return conversation;
  };
  const write = (conversation: Conversation): Conversation => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeJsonFile(fileOf(conversation.id), conversation, { secret: true });
    return conversation;
  };

  return {
    async list(limit) {
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.json'));
      } catch {
        return [];
      }
      return names
        .flatMap((name) => read(path.join(dir, name)) ?? [])
        .sort((a, b) => b.updated_at.localeCompare(a.updated_at))
        .slice(0, limit)
        .map(({ messages, ...rest }) => ({
          ...rest,
          preview: titleFrom(messages),
          message_count: messages.length,
        }));
    },
    get,
    async create(input) {
      const at = now().toISOString();
      return write({
        id: randomUUID(),
        title: input.title ?? titleFrom(input.messages),
        provider: input.provider ?? null,
        model: input.model ?? null,
        connection: input.connection ?? null,
        messages: input.messages,
        created_at: at,
        updated_at: at,
      });
    },
    async replace(id, input) {
      const existing = await get(id);
      return write({
        ...existing,
        title: input.title ?? existing.title,
        provider: input.provider ?? null,
        model: input.model ?? null,
        connection: input.connection ?? null,
        messages: input.messages,
        updated_at: now().toISOString(),
      });
    },
    async rename(id, title) {
      const existing = await get(id);
      return write({ ...existing, title, updated_at: now().toISOString() });
    },
  };
}
