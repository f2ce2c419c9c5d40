import { randomBytes } from 'node:crypto';
import type { Message } from '@pgmcp/api-contract';
import {
  fromDbJson,
  fromDbTime,
  openSqlDatabase,
  runMigrations,
  toDbJson,
  toDbTime,
  typedKysely,
  type SqlDatabase,
  type SqlDialect,
} from '@pgmcp/sql-store';
import type { Kysely } from 'kysely';
import { ConversationStoreError } from './errors.js';
import { conversationMigrations } from './migrations/index.js';
import { previewFrom, titleFrom } from './summary-text.js';

/** Options of {@link createConversationStore}. */
export interface ConversationStoreConfig {
  /** Store URL (SQLite path, `:memory:`, `postgres://…`; see @pgmcp/sql-store). Give this or `database`. */
  readonly url?: string;
  /** An open database shared with other stores; the conversation store migrates it but does not close it. */
  readonly database?: SqlDatabase;
  /** Size limits of one conversation. */
  readonly limits?: {
    /** Largest serialised (JSON, UTF-8) message list. Default 8 MiB. */
    readonly maxMessagesBytes?: number;
    /** Most messages. Default 5000. */
    readonly maxMessages?: number;
    /** Most conversations one user keeps (TOO_MANY beyond). Default 1000. */
    readonly maxConversationsPerUser?: number;
    /** Most bytes of messages one user keeps across conversations (QUOTA_EXCEEDED beyond). Default 256 MiB. */
    readonly maxBytesPerUser?: number;
    /** Longest title, in characters. Default 200. */
    readonly maxTitleLength?: number;
  };
  /** Length of list previews, in characters. Default 120. */
  readonly previewLength?: number;
  /** The clock; tests pass a fake one. Default `() => new Date()`. */
  readonly now?: () => Date;
}

/** A stored conversation with its messages. */
export interface Conversation {
  readonly id: string;
  readonly userId: string;
  readonly title: string;
  readonly provider: string | undefined;
  readonly model: string | undefined;
  /** The database connection the conversation worked on. */
  readonly connection: string | undefined;
  readonly messages: Message[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A conversation in a list: no messages, but a preview and their count. */
export interface ConversationSummary {
  readonly id: string;
  readonly title: string;
  readonly provider: string | undefined;
  readonly model: string | undefined;
  readonly connection: string | undefined;
  /** The first user message's text, whitespace collapsed and cut to the preview length. */
  readonly preview: string;
  readonly messageCount: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What `create` and `replace` take. */
export interface ConversationInput {
  /** Left out (or blank): `create` derives one from the first user message; `replace` keeps the current one. */
  readonly title?: string;
  readonly provider?: string;
  readonly model?: string;
  readonly connection?: string;
  readonly messages: readonly Message[];
}

/** Paging of `list`. */
export interface ListOptions {
  /** Page size, 1–200. Default 50. */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** One page of a user's conversations, most recently updated first. */
export interface ConversationPage {
  readonly conversations: ConversationSummary[];
  /** Pass as `cursor` for the next page; undefined on the last page. */
  readonly nextCursor: string | undefined;
}

/**
 * Chat conversations per user. Every method takes the user id and only ever sees that user's
 * conversations: another user's conversation is NOT_FOUND, exactly like a missing one.
 */
export interface ConversationStore {
  readonly dialect: SqlDialect;
  /** A page of the user's conversations, most recently updated first. */
  list(userId: string, options?: ListOptions): Promise<ConversationPage>;
  /** The conversation, or undefined when the user has none with that id. */
  find(userId: string, id: string): Promise<Conversation | undefined>;
  /** The conversation; NOT_FOUND when the user has none with that id. */
  get(userId: string, id: string): Promise<Conversation>;
  /** Stores a new conversation; TOO_LARGE beyond the limits. */
  create(userId: string, input: ConversationInput): Promise<Conversation>;
  /** Replaces messages, provider, model and connection (PUT); a given title replaces the current one. */
  replace(userId: string, id: string, input: ConversationInput): Promise<Conversation>;
  /** Sets the title (PATCH). */
  rename(userId: string, id: string, title: string): Promise<Conversation>;
  /** Deletes one conversation; NOT_FOUND when the user has none with that id. */
  delete(userId: string, id: string): Promise<void>;
  /** Deletes all of the user's conversations; returns how many. */
  deleteAll(userId: string): Promise<number>;
  /** Closes the database unless it was passed in shared. */
  close(): Promise<void>;
}

interface ConversationsTable {
  id: string;
  user_id: string;
  title: string;
  provider: string | null;
  model: string | null;
  connection: string | null;
  messages: string;
  message_count: number;
  preview: string;
  size_bytes: number;
  created_at: number;
  updated_at: number;
}

interface Tables {
  conversations: ConversationsTable;
}

const MIB = 1024 * 1024;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

/**
 * Opens (and migrates) the conversation store.
 *
 * @example
 *   const conversations = await createConversationStore({ url: 'data/store.db' });
 *   const saved = await conversations.create(user.id, { messages: [{ role: 'user', content: 'Which tables are biggest?' }] });
 *   const { conversations: page, nextCursor } = await conversations.list(user.id, { limit: 20 });
 */
export async function createConversationStore(config: ConversationStoreConfig): Promise<ConversationStore> {
  if ((config.url === undefined) === (config.database === undefined)) {
    throw new ConversationStoreError(
      'INVALID_INPUT',
      'Give the conversation store either a url or an open database, not both.',
    );
  }
  const owned = config.database === undefined;
  const database = config.database ?? (await openSqlDatabase({ url: config.url ?? '' }));
  try {
    await runMigrations(database, conversationMigrations);
  } catch (error) {
    if (owned) await database.close();
    throw error;
  }
  return new SqlConversationStore(database, owned, config);
}

class SqlConversationStore implements ConversationStore {
  readonly dialect: SqlDialect;
  readonly #database: SqlDatabase;
  readonly #owned: boolean;
  readonly #db: Kysely<Tables>;
  readonly #now: () => Date;
  readonly #maxBytes: number;
  readonly #maxMessages: number;
  readonly #maxPerUser: number;
  readonly #maxUserBytes: number;
  readonly #maxTitle: number;
  readonly #previewLength: number;

  constructor(database: SqlDatabase, owned: boolean, config: ConversationStoreConfig) {
    this.dialect = database.dialect;
    this.#database = database;
    this.#owned = owned;
    this.#db = typedKysely<Tables>(database);
    this.#now = config.now ?? (() => new Date());
    this.#maxBytes = config.limits?.maxMessagesBytes ?? 8 * MIB;
    this.#maxMessages = config.limits?.maxMessages ?? 5000;
    this.#maxPerUser = config.limits?.maxConversationsPerUser ?? 1000;
    this.#maxUserBytes = config.limits?.maxBytesPerUser ?? 256 * MIB;
    this.#maxTitle = config.limits?.maxTitleLength ?? 200;
    this.#previewLength = config.previewLength ?? 120;
  }

  async list(userId: string, options: ListOptions = {}): Promise<ConversationPage> {
    checkUserId(userId);
    const limit = options.limit ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw invalid(`The page limit must be an integer from 1 to ${MAX_PAGE} (got ${String(limit)}).`);
    }
    let query = this.#db
      .selectFrom('conversations')
      .select([
        'id',
        'title',
        'provider',
        'model',
        'connection',
        'preview',
        'message_count',
        'created_at',
        'updated_at',
      ])
      .where('user_id', '=', userId);
    if (options.cursor !== undefined) {
      const after = decodeCursor(options.cursor);
      query = query.where((eb) =>
        eb.or([
          eb('updated_at', '<', after.updatedAt),
          eb.and([eb('updated_at', '=', after.updatedAt), eb('id', '<', after.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      conversations: page.map((row) => ({
        id: row.id,
        title: row.title,
        provider: row.provider ?? undefined,
        model: row.model ?? undefined,
        connection: row.connection ?? undefined,
        preview: row.preview,
        messageCount: row.message_count,
        createdAt: fromDbTime(row.created_at),
        updatedAt: fromDbTime(row.updated_at),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.updated_at, last.id) : undefined,
    };
  }

  async find(userId: string, id: string): Promise<Conversation | undefined> {
    checkUserId(userId);
    if (typeof id !== 'string') return undefined;
    const row = await this.#db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && toConversation(row);
  }

  async get(userId: string, id: string): Promise<Conversation> {
    const conversation = await this.find(userId, id);
    if (!conversation) throw notFound(id);
    return conversation;
  }

  async create(userId: string, input: ConversationInput): Promise<Conversation> {
    checkUserId(userId);
    const content = this.#content(input);
    const now = toDbTime(this.#now());
    const row: ConversationsTable = {
      id: `conv_${randomBytes(16).toString('base64url')}`,
      user_id: userId,
      title: this.#title(input.title, false) ?? titleFrom(input.messages),
      ...content,
      created_at: now,
      updated_at: now,
    };
    await this.#db.transaction().execute(async (trx) => {
      const usage = await this.#usage(trx, userId);
      if (usage.count >= this.#maxPerUser) {
        throw new ConversationStoreError(
          'TOO_MANY',
          `You already keep ${usage.count} conversations, the most one user may keep (${this.#maxPerUser}). Delete some you no longer need.`,
        );
      }
      this.#checkQuota(usage.bytes + content.size_bytes);
      await trx.insertInto('conversations').values(row).execute();
    });
    return toConversation(row);
  }

  /** How many conversations and bytes of messages a user keeps. */
  async #usage(
    db: Kysely<Tables>,
    userId: string,
    except?: string,
  ): Promise<{ count: number; bytes: number }> {
    let query = db
      .selectFrom('conversations')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('n'),
        eb.fn.sum<number | string | null>('size_bytes').as('bytes'),
      ])
      .where('user_id', '=', userId);
    if (except !== undefined) query = query.where('id', '!=', except);
    const row = await query.executeTakeFirstOrThrow();
    return { count: Number(row.n), bytes: Number(row.bytes ?? 0) };
  }

  #checkQuota(bytes: number): void {
    if (bytes > this.#maxUserBytes) {
      throw new ConversationStoreError(
        'QUOTA_EXCEEDED',
        `Your conversations would take ${formatBytes(bytes)}; one user may keep ${formatBytes(this.#maxUserBytes)}. Delete or compact some first.`,
      );
    }
  }

  async replace(userId: string, id: string, input: ConversationInput): Promise<Conversation> {
    checkUserId(userId);
    const content = this.#content(input);
    const title = this.#title(input.title, false);
    await this.#db.transaction().execute(async (trx) => {
      this.#checkQuota((await this.#usage(trx, userId, id)).bytes + content.size_bytes);
      const result = await trx
        .updateTable('conversations')
        .set({ ...content, ...(title === undefined ? {} : { title }), updated_at: toDbTime(this.#now()) })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound(id);
    });
    return this.get(userId, id);
  }

  async rename(userId: string, id: string, title: string): Promise<Conversation> {
    checkUserId(userId);
    const checked = this.#title(title, true) ?? '';
    const result = await this.#db
      .updateTable('conversations')
      .set({ title: checked, updated_at: toDbTime(this.#now()) })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw notFound(id);
    return this.get(userId, id);
  }

  async delete(userId: string, id: string): Promise<void> {
    checkUserId(userId);
    const result = await this.#db
      .deleteFrom('conversations')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) throw notFound(id);
  }

  async deleteAll(userId: string): Promise<number> {
    checkUserId(userId);
    const result = await this.#db
      .deleteFrom('conversations')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async close(): Promise<void> {
    if (this.#owned) await this.#database.close();
  }

  /** The stored form of the messages and metadata, after the size checks. */
  #content(input: ConversationInput) {
    const { messages } = input;
    if (!Array.isArray(messages) || !messages.every(isMessage)) {
      throw invalid("messages must be a list of { role: 'user' | 'assistant', content: string | blocks }.");
    }
    if (messages.length > this.#maxMessages) {
      throw new ConversationStoreError(
        'TOO_LARGE',
        `The conversation has ${messages.length} messages; the limit is ${this.#maxMessages}. Compact it or start a new one.`,
      );
    }
    const json = toDbJson(messages);
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > this.#maxBytes) {
      throw new ConversationStoreError(
        'TOO_LARGE',
        `The conversation's messages take ${formatBytes(bytes)}; the limit is ${formatBytes(this.#maxBytes)}. ` +
          'Compact it or start a new one.',
      );
    }
    return {
      provider: optionalName('provider', input.provider),
      model: optionalName('model', input.model),
      connection: optionalName('connection', input.connection),
      messages: json,
      message_count: messages.length,
      preview: previewFrom(messages, this.#previewLength),
      size_bytes: bytes,
    };
  }

  /** A trimmed title, undefined when absent or blank (unless required). */
  #title(title: string | undefined, required: boolean): string | undefined {
    if (title === undefined && !required) return undefined;
    if (typeof title !== 'string') throw invalid('The title must be text.');
    const trimmed = title.replace(/\s+/g, ' ').trim();
    if (trimmed === '') {
      if (required) throw invalid('The title must not be empty.');
      return undefined;
    }
    if ([...trimmed].length > this.#maxTitle) {
      throw invalid(`The title must be at most ${this.#maxTitle} characters.`);
    }
    return trimmed;
  }
}

function toConversation(row: ConversationsTable): Conversation {
  return {
    id: row.id,
    userId: row.user_id,
    title: row.title,
    provider: row.provider ?? undefined,
    model: row.model ?? undefined,
    connection: row.connection ?? undefined,
    messages: fromDbJson<Message[]>(row.messages),
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
  };
}

function isMessage(value: unknown): value is Message {
  if (typeof value !== 'object' || value === null) return false;
  const { role, content } = value as { role?: unknown; content?: unknown };
  return (role === 'user' || role === 'assistant') && (typeof content === 'string' || Array.isArray(content));
}

function checkUserId(userId: string): void {
  if (typeof userId !== 'string' || userId === '') throw invalid('A user id is required.');
}

function optionalName(what: string, value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string' || value.length > 200)
    throw invalid(`The ${what} must be text of at most 200 characters.`);
  return value;
}

function encodeCursor(updatedAt: number, id: string): string {
  return Buffer.from(JSON.stringify([updatedAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { updatedAt: number; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && Number.isSafeInteger(value[0]) && typeof value[1] === 'string') {
      return { updatedAt: value[0] as number, id: value[1] };
    }
  } catch {
    // Reported below.
  }
  throw invalid('The cursor is not one this store returned; start again without it.');
}

function formatBytes(bytes: number): string {
  return bytes >= MIB
    ? `${(bytes / MIB).toFixed(1)} MiB`
    : bytes >= 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${bytes} bytes`;
}

function invalid(message: string): ConversationStoreError {
  return new ConversationStoreError('INVALID_INPUT', message);
}

function notFound(id: string): ConversationStoreError {
  return new ConversationStoreError('NOT_FOUND', `No conversation with id '${String(id)}'.`);
}
