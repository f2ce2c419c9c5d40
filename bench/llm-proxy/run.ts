/**
 * The LLM proxy's streaming overhead: time to first token and throughput of a long streamed answer
 * read through pgmcp's `POST /api/v1/llm/chat/stream` (HTTP, auth, validation, SSE re-encoding and a
 * second hop) against the same answer read straight from the provider with the LlmClient the server
 * uses. The fake Anthropic server of @pgmcp/llm-clients/testing and the pgmcp server each run in
 * their own child process on 127.0.0.1, so the figures are the proxy's own cost, not a network's.
 *
 * Run: pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source llm-proxy/run.ts [--rounds 15]
 */
import { fork } from 'node:child_process';
import type { StreamEvent } from '@pgmcp/api-contract';
import { createLlmClient } from '@pgmcp/llm-clients';
import { firstMessage, type Ready, type Scenario } from './scenario.js';

const roundsFlag = process.argv.indexOf('--rounds');
const ROUNDS = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 15;

const SCENARIOS: Scenario[] = [
  { name: 'burst: 4,000 deltas, no delay', chars: 16_000, chunk: 4, delayMs: 0, firstTokenDelayMs: 0 },
  { name: 'paced: 300 deltas, 2 ms apart', chars: 6_000, chunk: 20, delayMs: 2, firstTokenDelayMs: 0 },
  { name: 'short: 20 deltas, 50 ms think', chars: 400, chunk: 20, delayMs: 0, firstTokenDelayMs: 50 },
];

interface Run {
  ttftMs: number;
  totalMs: number;
  textEvents: number;
  chars: number;
}

// Children inherit tsx's loader and the source condition from this process's execArgv.
const here = (file: string) => new URL(file, import.meta.url).pathname;
const fakeProcess = fork(here('./fake-provider.ts'));
const fake = await firstMessage<Ready>(fakeProcess);
const serverProcess = fork(here('./proxy-server.ts'), [fake.url]);
const server = await firstMessage<Ready>(serverProcess);

const direct = createLlmClient({
  provider: 'anthropic',
  baseUrl: fake.url,
  apiKey: 'sk-ant-bench-key-0000000000',
  defaultModel: 'bench-model',
  maxRetries: 0,
});

const requestFor = (scenario: Scenario) => ({
  messages: [{ role: 'user' as const, content: JSON.stringify(scenario) }],
});

/** Reads the answer straight from the provider with the LlmClient. */
async function viaClient(scenario: Scenario): Promise<Run> {
  const started = performance.now();
  let ttftMs = 0;
  let textEvents = 0;
  let chars = 0;
  for await (const event of direct.stream(requestFor(scenario))) {
    if (event.type === 'text') {
      if (textEvents++ === 0) ttftMs = performance.now() - started;
      chars += event.text.length;
    } else if (event.type === 'error') {
      throw new Error(`direct stream failed: ${event.code} ${event.message}`);
    }
  }
  return { ttftMs, totalMs: performance.now() - started, textEvents, chars };
}

/** Reads the answer through pgmcp's SSE route, parsing events as a browser client would. */
async function viaProxy(scenario: Scenario): Promise<Run> {
  const started = performance.now();
  const response = await fetch(`${server.url}/api/v1/llm/chat/stream`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(requestFor(scenario)),
  });
  if (!response.ok || !response.body) throw new Error(`proxy answered ${response.status}`);
  const decoder = new TextDecoder();
  let buffer = '';
  let ttftMs = 0;
  let textEvents = 0;
  let chars = 0;
  for await (const bytes of response.body) {
    buffer += decoder.decode(bytes, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').find((line) => line.startsWith('data: '));
      if (!data) continue;
      const event = JSON.parse(data.slice(6)) as StreamEvent;
      if (event.type === 'text') {
        if (textEvents++ === 0) ttftMs = performance.now() - started;
        chars += event.text.length;
      } else if (event.type === 'error') {
        throw new Error(`proxy stream failed: ${event.code} ${event.message}`);
      }
    }
  }
  return { ttftMs, totalMs: performance.now() - started, textEvents, chars };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function printTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

const rows: string[][] = [];
const fmt = (n: number, digits = 1) => n.toFixed(digits);
try {
  for (const scenario of SCENARIOS) {
    const results: Record<'direct' | 'proxy', Run[]> = { direct: [], proxy: [] };
    // Warm up both paths (JIT, sockets, the server's first request); then alternate which goes first.
    await viaClient(scenario);
    await viaProxy(scenario);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['direct', 'proxy'] as const) : (['proxy', 'direct'] as const);
      for (const route of order) {
        const run = await (route === 'direct' ? viaClient(scenario) : viaProxy(scenario));
        if (run.chars !== scenario.chars)
          throw new Error(`${route} lost text: ${run.chars}/${scenario.chars}`);
        results[route].push(run);
      }
    }
    const summary = (runs: Run[]) => {
      const total = median(runs.map((r) => r.totalMs));
      const events = runs[0]!.textEvents;
      return { ttft: median(runs.map((r) => r.ttftMs)), total, events, perSecond: (events / total) * 1000 };
    };
    const d = summary(results.direct);
    const p = summary(results.proxy);
    rows.push(
      [scenario.name, 'direct', fmt(d.ttft, 2), fmt(d.total), String(d.events), fmt(d.perSecond, 0), '', ''],
      [
        '',
        'proxy',
        fmt(p.ttft, 2),
        fmt(p.total),
        String(p.events),
        fmt(p.perSecond, 0),
        `${fmt(p.ttft / d.ttft, 2)}× (+${fmt(p.ttft - d.ttft, 2)} ms)`,
        `${fmt(p.perSecond / d.perSecond, 2)}×`,
      ],
    );
  }
} finally {
  serverProcess.disconnect();
  fakeProcess.disconnect();
}

console.log(
  `LLM proxy streaming overhead: medians of ${ROUNDS} rounds per path; fake Anthropic provider, pgmcp and this client in three processes on 127.0.0.1 (Node ${process.version})\n`,
);
printTable(
  [
    'scenario',
    'path',
    'ttft ms',
    'total ms',
    'text events',
    'events/s',
    'ttft proxy/direct',
    'events/s proxy/direct',
  ],
  rows,
);
