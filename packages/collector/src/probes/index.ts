import type { ProbeDefinition } from '../probe.js';
import {
  activityByState,
  activityByWaitEvent,
  blocking,
  connectionUsage,
  idleInTransaction,
  locks,
  longRunning,
  preparedTransactions,
  vacuumProgress,
} from './activity-probes.js';
import { databaseConflicts, databaseSizes, databaseStats, xidAge } from './database-probes.js';
import { osDisk, osLoad, osMemory } from './os-probes.js';
import {
  archiver,
  bgwriter,
  checkpointer,
  extensions,
  hbaRules,
  io,
  replication,
  replicationSlots,
  serverInfo,
  settings,
  wal,
  walPosition,
} from './server-probes.js';
import { statements, statementTotals } from './statement-probes.js';
import { indexStats, sequences, tableSizes, tableStatio, tableStats } from './table-probes.js';

/** Every built-in probe, by name. */
export const BUILTIN_PROBES: readonly ProbeDefinition[] = [
  activityByState,
  activityByWaitEvent,
  archiver,
  bgwriter,
  blocking,
  checkpointer,
  connectionUsage,
  databaseConflicts,
  databaseSizes,
  databaseStats,
  extensions,
  hbaRules,
  idleInTransaction,
  indexStats,
  io,
  locks,
  longRunning,
  osDisk,
  osLoad,
  osMemory,
  preparedTransactions,
  replication,
  replicationSlots,
  sequences,
  serverInfo,
  settings,
  statementTotals,
  statements,
  tableSizes,
  tableStatio,
  tableStats,
  vacuumProgress,
  wal,
  walPosition,
  xidAge,
];
