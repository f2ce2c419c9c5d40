import type { Message } from '@pgmcp/api-contract';
import { openSqlDatabase } from '@pgmcp/sql-store';
import { useStoreTestTargets, type StoreTestTarget } from '@pgmcp/sql-store/testing';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConversationStoreError,
  createConversationStore,
  type ConversationStore,
  type ConversationStoreConfig,
} from '../src/index.js';

class FakeClock {
  #ms = Date.parse('2026-11-21T12:00:00.000Z');
  readonly now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
}

const open: ConversationStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
});

async function freshStore(target: StoreTestTarget, config: Partial<ConversationStoreConfig> = {}) {
  const url = await target.newUrl();
  const clock = new FakeClock();
  const store = await createConversationStore({ url, now: clock.now, ...config });
  open.push(store);
  return { store, clock, url };
}

const ask = (text: string): Message => ({ role: 'user', content: text });
const messages: Message[] = [
  ask('How many orders shipped last week?'),
  {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Let me count them.' },
      {
        type: 'tool_use',
        id: 'call_1',
        name: 'query_database',
        input: { query: 'select count(*) from orders' },
      },
    ],
  },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '1234' }] },
  { role: 'assistant', content: '1234 orders shipped last week.' },
];

describe.each(useStoreTestTargets('conversations'))('conversation store on $dialect', (target) => {
  it('creates a conversation with a generated title and reads it back intact', async () => {
    const { store, clock } = await freshStore(target);
    const created = await store.create('usr_a', {
      provider: 'anthropic',
      model: 'claude',
      connection: 'prod',
      messages,
    });
    expect(created).toMatchObject({
      userId: 'usr_a',
      title: 'How many orders shipped last week?',
      provider: 'anthropic',
      model: 'claude',
      connection: 'prod',
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
    expect(created.id).toMatch(/^conv_/);
    expect(await store.get('usr_a', created.id)).toEqual({ ...created, messages });
    const titled = await store.create('usr_a', { title: '  Weekly   report ', messages: [] });
    expect(titled).toMatchObject({ title: 'Weekly report', provider: undefined, messages: [] });
  });

  it('lists newest first with preview and message count, page by page', async () => {
    const { store, clock } = await freshStore(target);
    const ids: string[] = [];
    for (let i = 1; i <= 5; i += 1) {
      ids.push(
        (await store.create('usr_a', { messages: [ask(`question ${i}\nwith detail`), ...messages.slice(1)] }))
          .id,
      );
      clock.advance(1000);
    }
    await store.create('usr_b', { messages: [ask('not yours')] });

    const first = await store.list('usr_a', { limit: 2 });
    expect(first.conversations.map((c) => c.id)).toEqual([ids[4], ids[3]]);
    expect(first.conversations[0]).toMatchObject({
      title: 'question 5',
      preview: 'question 5 with detail',
      messageCount: 4,
    });
    expect(first.conversations[0]).not.toHaveProperty('messages');
    const second = await store.list('usr_a', { limit: 2, cursor: first.nextCursor });
    expect(second.conversations.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const third = await store.list('usr_a', { limit: 2, cursor: second.nextCursor });
    expect(third.conversations.map((c) => c.id)).toEqual([ids[0]]);
    expect(third.nextCursor).toBeUndefined();
    expect((await store.list('usr_a')).conversations).toHaveLength(5);

    // Updating moves a conversation to the top.
    clock.advance(1000);
    await store.replace('usr_a', ids[0]!, { messages: [ask('question 1 again')] });
    expect((await store.list('usr_a', { limit: 1 })).conversations[0]).toMatchObject({
      id: ids[0],
      messageCount: 1,
    });
  });

  it('pages stably through conversations updated in the same millisecond', async () => {
    const { store } = await freshStore(target);
    const ids = new Set<string>();
    for (let i = 0; i < 7; i += 1) ids.add((await store.create('usr_a', { messages: [ask(`q${i}`)] })).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list('usr_a', { limit: 3, cursor });
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(ids);
  });

  it('never shows or changes another user’s conversation: NOT_FOUND, as for a missing one', async () => {
    const { store } = await freshStore(target);
    const mine = await store.create('usr_a', { messages });
    const expectNotFound = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ConversationStoreError);
      expect(error).toMatchObject({ code: 'NOT_FOUND' });
      return (error as Error).message;
    };
    expect(await store.find('usr_b', mine.id)).toBeUndefined();
    const foreign = await expectNotFound(store.get('usr_b', mine.id));
    const missing = await expectNotFound(store.get('usr_b', 'conv_missing'));
    expect(foreign.replace(mine.id, 'X')).toBe(missing.replace('conv_missing', 'X'));
    await expectNotFound(store.replace('usr_b', mine.id, { messages: [] }));
    await expectNotFound(store.rename('usr_b', mine.id, 'hijacked'));
    await expectNotFound(store.delete('usr_b', mine.id));
    expect(await store.deleteAll('usr_b')).toBe(0);
    expect((await store.list('usr_b')).conversations).toEqual([]);
    expect(await store.get('usr_a', mine.id)).toEqual(mine);
  });

  it('replaces (PUT) keeping the title unless one is given, and renames (PATCH)', async () => {
    const { store, clock } = await freshStore(target);
    const created = await store.create('usr_a', {
      provider: 'openai',
      model: 'gpt',
      connection: 'prod',
      messages,
    });
    clock.advance(5000);
    const replaced = await store.replace('usr_a', created.id, {
      model: 'gpt-mini',
      messages: messages.slice(0, 2),
    });
    expect(replaced).toMatchObject({
      title: created.title,
      provider: undefined,
      model: 'gpt-mini',
      connection: undefined,
      messages: messages.slice(0, 2),
      createdAt: created.createdAt,
      updatedAt: clock.now(),
    });
    const retitled = await store.replace('usr_a', created.id, { title: 'Shipping stats', messages });
    expect(retitled.title).toBe('Shipping stats');
    const renamed = await store.rename('usr_a', created.id, 'Orders');
    expect(renamed).toMatchObject({ title: 'Orders', messages });
    await expect(store.rename('usr_a', created.id, '   ')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.rename('usr_a', created.id, 'x'.repeat(201))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('200'),
    });
  });

  it('deletes one conversation or all of a user’s', async () => {
    const { store } = await freshStore(target);
    const a1 = await store.create('usr_a', { messages });
    await store.create('usr_a', { messages });
    const b1 = await store.create('usr_b', { messages });
    await store.delete('usr_a', a1.id);
    await expect(store.delete('usr_a', a1.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.deleteAll('usr_a')).toBe(1);
    expect((await store.list('usr_a')).conversations).toEqual([]);
    expect(await store.get('usr_b', b1.id)).toMatchObject({ id: b1.id });
  });

  it('keeps each user within a count and a byte quota (TOO_MANY, QUOTA_EXCEEDED), others unaffected', async () => {
    const { store } = await freshStore(target, {
      limits: { maxConversationsPerUser: 2, maxBytesPerUser: 4096 },
    });
    const first = await store.create('usr_a', { messages: [ask('a'.repeat(1000))] });
    await store.create('usr_a', { messages: [ask('b')] });
    const third = await store.create('usr_a', { messages: [ask('c')] }).catch((caught: unknown) => caught);
    expect(third).toMatchObject({
      code: 'TOO_MANY',
      message: expect.stringContaining('most one user may keep (2)'),
    });
    // Another user has their own quota.
    await store.create('usr_b', { messages: [ask('d')] });
    // Growing a conversation past the user's bytes is refused and changes nothing.
    await expect(
      store.replace('usr_a', first.id, { messages: [ask('e'.repeat(5000))] }),
    ).rejects.toMatchObject({
      code: 'QUOTA_EXCEEDED',
      message: expect.stringMatching(/one user may keep 4\.0 KiB/),
    });
    expect((await store.get('usr_a', first.id)).messages).toEqual([ask('a'.repeat(1000))]);
    // Replacing with about the same size is fine: the old version does not count twice.
    await store.replace('usr_a', first.id, { messages: [ask('f'.repeat(1500))] });
    await store.delete('usr_a', first.id);
    await store.create('usr_a', { messages: [ask('g')] });
  });

  it('refuses conversations beyond the size limits with a clear TOO_LARGE', async () => {
    const { store } = await freshStore(target, { limits: { maxMessagesBytes: 1024, maxMessages: 3 } });
    const big = await store
      .create('usr_a', { messages: [ask('x'.repeat(2000))] })
      .catch((caught: unknown) => caught);
    expect(big).toMatchObject({ code: 'TOO_LARGE' });
    expect((big as Error).message).toMatch(/take 2\.0 KiB; the limit is 1\.0 KiB/);
    await expect(store.create('usr_a', { messages })).rejects.toMatchObject({
      code: 'TOO_LARGE',
      message: expect.stringContaining('4 messages; the limit is 3'),
    });
    const small = await store.create('usr_a', { messages: messages.slice(0, 1) });
    await expect(
      store.replace('usr_a', small.id, { messages: [ask('y'.repeat(2000))] }),
    ).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    expect((await store.get('usr_a', small.id)).messages).toEqual(messages.slice(0, 1));
  });

  it('refuses malformed input and paging options', async () => {
    const { store } = await freshStore(target);
    await expect(store.create('usr_a', { messages: 'hello' as unknown as Message[] })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(
      store.create('usr_a', { messages: [{ role: 'system', content: 'x' } as unknown as Message] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.create('', { messages })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.list('usr_a', { limit: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.list('usr_a', { limit: 201 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.list('usr_a', { cursor: 'garbage' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('cursor'),
    });
  });

  it('stores messages as JSON text with the size and count beside them', async () => {
    const { store, url } = await freshStore(target);
    const created = await store.create('usr_a', { messages });
    const database = await openSqlDatabase({ url });
    try {
      const { rows } = await sql<{
        messages: string;
        message_count: number;
        size_bytes: number;
      }>`select messages, message_count, size_bytes from conversations where id = ${created.id}`.execute(
        database.kysely,
      );
      expect(JSON.parse(rows[0]!.messages)).toEqual(messages);
      expect(rows[0]).toMatchObject({
        message_count: 4,
        size_bytes: Buffer.byteLength(JSON.stringify(messages)),
      });
    } finally {
      await database.close();
    }
  });

  it('keeps a tool result display (typed rows, timing) exactly, counted in the size and the quota', async () => {
    const display = {
      structured: {
        columns: [
          { name: 'id', type: 'int8' },
          { name: 'total', type: 'numeric' },
        ],
        rows: [['9007199254740993', 166]],
        row_count: 1,
        truncated: false,
      },
      duration_ms: 37,
    };
    const shown: Message[] = messages.map((m, i) =>
      i === 2
        ? {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '1234', display }],
          }
        : m,
    );
    const bytes = Buffer.byteLength(JSON.stringify(shown));
    const plain = Buffer.byteLength(JSON.stringify(messages));
    // One byte short of this conversation with its display plus one without: fits only if the display is not counted.
    const { store } = await freshStore(target, { limits: { maxBytesPerUser: bytes + plain - 1 } });
    const created = await store.create('usr_a', { messages: shown });
    expect((await store.get('usr_a', created.id)).messages).toEqual(shown);
    await expect(store.create('usr_a', { messages })).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
  });

  it('keeps conversations across a restart and shares a database with other stores', async () => {
    const { store, url } = await freshStore(target);
    const created = await store.create('usr_a', { messages });
    await store.close();
    const database = await openSqlDatabase({ url });
    try {
      const shared = await createConversationStore({ database });
      expect(await shared.get('usr_a', created.id)).toEqual(created);
      await shared.close();
      await expect(sql`select 1`.execute(database.kysely)).resolves.toBeDefined();
    } finally {
      await database.close();
    }
  });
});

describe('createConversationStore', () => {
  it('wants exactly one of url and database', async () => {
    await expect(createConversationStore({})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
