export { createCollector, type Collector, type CollectorConfig } from './collector.js';
export {
  COLLECTOR_SESSION,
  type CollectorTarget,
  type ProbeOutcome,
  targetFromUrl,
} from './target-runner.js';
export {
  majorOf,
  sqlFor,
  versionGap,
  type ColumnKind,
  type ProbeColumn,
  type ProbeContext,
  type ProbeDefinition,
  type ProbeDimension,
  type ProbeRow,
  type VersionedSql,
} from './probe.js';
export { BUILTIN_PROBES } from './probes/index.js';
export { convertRows, type ConvertedRow, type Snapshot } from './rates.js';
export { CollectorError, type CollectorErrorCode } from './errors.js';
