/**
 * Both compactor benchmarks, one after the other.
 * Run: pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source compactor/run.ts
 */
await import('./estimator-accuracy.js');
console.log('\n');
await import('./compaction-time.js');
