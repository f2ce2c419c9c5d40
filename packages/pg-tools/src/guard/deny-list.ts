/**
 * The one list of functions and relations the guard refuses by name, with the reason for each.
 * Names are matched case-insensitively against the last part of a (possibly schema-qualified,
 * possibly quoted) name: `pg_read_file`, `pg_catalog.pg_read_file`, `"PG_READ_FILE"` and
 * `U&"pg\005fread_file"` all match `pg_read_file`. See README.md § Deny list.
 */

/** Why a function or relation is on the deny list. */
export type DenyCategory =
  | 'file-access'
  | 'credentials'
  | 'remote-access'
  | 'executes-sql-text'
  | 'settings'
  | 'server-admin'
  | 'other-backends'
  | 'logging'
  | 'replication'
  | 'statistics'
  | 'advisory-locks'
  | 'sequences'
  | 'notify'
  | 'large-objects'
  | 'transaction-ids'
  | 'index-maintenance'
  | 'planner-state';

/** What a category means for the policy and for the message the model reads. */
export interface DenyCategoryInfo {
  /** `always`: refused on every connection; `read-only`: allowed when the connection allows writes. */
  readonly refusedOn: 'always' | 'read-only';
  /** Whether calling it writes or changes state (false: it only reads something it must not). */
  readonly writes: boolean;
  /** Completes "pg_read_file() …": what the function does. */
  readonly does: string;
  /** What the model should do instead. */
  readonly instead: string;
}

/** One entry of {@link DENY_LIST}. */
export interface DenyListEntry {
  /** Lower-case name, or name prefix when `match` is `prefix`. */
  readonly name: string;
  readonly match: 'exact' | 'prefix';
  readonly object: 'function' | 'relation';
  readonly category: DenyCategory;
  /** Why it is refused, for the README and reviewers. */
  readonly why: string;
  /** Only calls with this many arguments match (e.g. the two-argument ts_rewrite that runs SQL). */
  readonly argCounts?: readonly number[];
}

/** Per-category policy and wording. */
export const DENY_CATEGORIES: Readonly<Record<DenyCategory, DenyCategoryInfo>> = {
  'file-access': {
    refusedOn: 'always',
    writes: false,
    does: 'reads or writes files on the database server',
    instead: 'Query tables and views instead; server files are not reachable through pgmcp.',
  },
  credentials: {
    refusedOn: 'always',
    writes: false,
    does: 'holds password hashes or foreign-server passwords',
    instead: 'Use pg_roles or pg_user for role information; credentials are never read through pgmcp.',
  },
  'remote-access': {
    refusedOn: 'always',
    writes: true,
    does: 'connects to another database server',
    instead: 'Use a pgmcp connection configured for that server (list_database_connections).',
  },
  'executes-sql-text': {
    refusedOn: 'always',
    writes: true,
    does: 'runs SQL given as a string, out of reach of the safety checks and the row limit',
    instead: 'Write that query directly as the statement.',
  },
  settings: {
    refusedOn: 'always',
    writes: true,
    does: 'changes server or session settings',
    instead: 'Read settings with current_setting(name) or SHOW name.',
  },
  'server-admin': {
    refusedOn: 'always',
    writes: true,
    does: 'administers the server (WAL, backups, recovery, snapshots, catalog internals)',
    instead: 'Ask a database administrator; read server state from pg_stat_* views instead.',
  },
  'other-backends': {
    refusedOn: 'always',
    writes: true,
    does: 'signals or cancels other database sessions',
    instead: 'Inspect sessions with pg_stat_activity; ask an administrator to end them.',
  },
  logging: {
    refusedOn: 'always',
    writes: true,
    does: 'rotates or writes server log files',
    instead: 'Ask an administrator for the server logs.',
  },
  replication: {
    refusedOn: 'always',
    writes: true,
    does: 'creates, drops or consumes replication slots or origins',
    instead: 'Read replication state from pg_replication_slots or pg_stat_replication instead.',
  },
  statistics: {
    refusedOn: 'always',
    writes: true,
    does: 'resets or overwrites collected statistics',
    instead: 'Read statistics from the pg_stat_* views and pg_stats instead.',
  },
  'advisory-locks': {
    refusedOn: 'always',
    writes: true,
    does: 'takes or releases advisory locks that other sessions wait on',
    instead: 'Inspect locks with pg_locks instead.',
  },
  sequences: {
    refusedOn: 'read-only',
    writes: true,
    does: 'advances or sets a sequence',
    instead: 'Read a sequence with currval(), or SELECT last_value FROM the sequence.',
  },
  notify: {
    refusedOn: 'read-only',
    writes: true,
    does: 'sends a notification to other sessions',
    instead: 'Use a write-enabled connection to send notifications.',
  },
  'large-objects': {
    refusedOn: 'read-only',
    writes: true,
    does: 'creates, changes or reads large objects outside table privileges',
    instead: 'Query the tables that reference the data instead.',
  },
  'transaction-ids': {
    refusedOn: 'read-only',
    writes: true,
    does: 'assigns a permanent transaction ID',
    instead: 'Use pg_current_xact_id_if_assigned() or pg_current_snapshot(), which assign nothing.',
  },
  'index-maintenance': {
    refusedOn: 'read-only',
    writes: true,
    does: 'modifies an index',
    instead: 'Use a write-enabled connection for index maintenance.',
  },
  'planner-state': {
    refusedOn: 'always',
    writes: true,
    does: 'changes what the planner sees in this session, beyond the transaction (hypopg)',
    instead: 'Use recommend_indexes, which tries hypothetical indexes and discards them.',
  },
};

type EntrySpec = readonly [name: string, why: string, options?: Partial<Pick<DenyListEntry, 'argCounts'>>];

function entries(
  category: DenyCategory,
  match: DenyListEntry['match'],
  object: DenyListEntry['object'],
  specs: readonly EntrySpec[],
): DenyListEntry[] {
  return specs.map(([name, why, options]) => ({ name, match, object, category, why, ...options }));
}

/** Every function and relation the guard refuses by name. */
export const DENY_LIST: readonly DenyListEntry[] = Object.freeze([
  ...entries('file-access', 'prefix', 'function', [
    [
      'pg_read_',
      'pg_read_file, pg_read_binary_file (and PG 15’s pg_read_file_old) return server file contents',
    ],
    ['pg_ls_', 'pg_ls_dir, pg_ls_logdir, pg_ls_waldir, pg_ls_tmpdir, … list server directories'],
    [
      'pg_file_',
      'adminpack: pg_file_write, pg_file_rename, pg_file_unlink, pg_file_sync, … write server files',
    ],
  ]),
  ...entries('file-access', 'exact', 'function', [
    ['pg_stat_file', 'returns metadata of any server file'],
    ['pg_current_logfile', 'reads the current_logfiles file and reveals log paths'],
    ['pg_logdir_ls', 'adminpack: lists the log directory'],
    ['lo_import', 'loads a server file into a large object'],
    ['lo_export', 'writes a large object to a server file'],
    ['pg_show_all_file_settings', 'parses postgresql.conf and included files (behind pg_file_settings)'],
    ['pg_hba_file_rules', 'parses pg_hba.conf'],
    ['pg_ident_file_mappings', 'parses pg_ident.conf'],
    ['pg_get_wal_record_info', 'pg_walinspect: decodes raw WAL files'],
    ['pg_get_wal_records_info', 'pg_walinspect: decodes raw WAL files'],
    ['pg_get_wal_block_info', 'pg_walinspect: decodes raw WAL files'],
    ['pg_get_wal_stats', 'pg_walinspect: decodes raw WAL files'],
  ]),
  ...entries('file-access', 'exact', 'relation', [
    ['pg_file_settings', 'view over pg_show_all_file_settings(): server configuration files'],
    ['pg_hba_file_rules', 'view over pg_hba_file_rules(): pg_hba.conf'],
    ['pg_ident_file_mappings', 'view over pg_ident_file_mappings(): pg_ident.conf'],
  ]),
  ...entries('credentials', 'exact', 'relation', [
    ['pg_authid', 'rolpassword holds every role’s password hash'],
    ['pg_shadow', 'view over pg_authid with the password hashes'],
    ['pg_user_mapping', 'umoptions holds passwords for foreign servers'],
    ['pg_user_mappings', 'view that shows user-mapping options, passwords included'],
  ]),
  ...entries('remote-access', 'prefix', 'function', [
    [
      'dblink',
      'dblink, dblink_exec, dblink_connect, … run SQL on other servers (or on this one, outside the transaction)',
    ],
    ['postgres_fdw_', 'postgres_fdw helpers manage connections to foreign servers'],
  ]),
  ...entries('executes-sql-text', 'prefix', 'function', [
    [
      'query_to_xml',
      'query_to_xml, query_to_xmlschema, query_to_xml_and_xmlschema execute their text argument',
    ],
    ['cursor_to_xml', 'cursor_to_xml, cursor_to_xmlschema fetch from a cursor the statement cannot see'],
    ['table_to_xml', 'runs SELECT * over a whole table internally, bypassing the row limit'],
    ['schema_to_xml', 'runs SELECT * over every table of a schema internally'],
    ['database_to_xml', 'runs SELECT * over every table of the database internally'],
    ['crosstab', 'tablefunc: executes its text arguments as queries'],
    ['run_command_on_', 'Citus: runs SQL text on worker nodes'],
  ]),
  ...entries('executes-sql-text', 'exact', 'function', [
    ['ts_stat', 'executes its first argument as a query'],
    ['ts_rewrite', 'the two-argument form executes its second argument as a query', { argCounts: [2] }],
    ['connectby', 'tablefunc: builds and executes a query from its text arguments'],
  ]),
  ...entries('settings', 'exact', 'function', [
    ['set_config', 'SET in function form; changes settings of the pooled session, or of the transaction'],
    ['pg_reload_conf', 'makes every backend reload the configuration files'],
    ['setseed', 'changes the session’s random() state'],
  ]),
  ...entries('server-admin', 'exact', 'function', [
    ['pg_create_restore_point', 'writes a WAL record'],
    ['pg_switch_wal', 'forces a WAL segment switch'],
    ['pg_switch_xlog', 'pre-10 name of pg_switch_wal'],
    ['pg_promote', 'promotes a standby to primary'],
    ['pg_backup_start', 'starts an online backup'],
    ['pg_backup_stop', 'ends an online backup'],
    ['pg_start_backup', 'pre-15 name of pg_backup_start'],
    ['pg_stop_backup', 'pre-15 name of pg_backup_stop'],
    ['pg_wal_replay_pause', 'pauses recovery on a standby'],
    ['pg_wal_replay_resume', 'resumes recovery on a standby'],
    ['pg_xlog_replay_pause', 'pre-10 name of pg_wal_replay_pause'],
    ['pg_xlog_replay_resume', 'pre-10 name of pg_wal_replay_resume'],
    ['pg_log_standby_snapshot', 'writes a WAL record'],
    ['pg_logical_emit_message', 'writes a WAL record'],
    ['pg_export_snapshot', 'writes a snapshot file for other sessions to import'],
    ['pg_nextoid', 'consumes OIDs (superuser internals)'],
    ['pg_import_system_collations', 'creates collations in the catalog'],
    ['pg_extension_config_dump', 'changes pg_extension (extension scripts only)'],
    ['pg_stop_making_pinned_objects', 'initdb internals'],
  ]),
  ...entries('server-admin', 'prefix', 'function', [
    ['binary_upgrade_', 'pg_upgrade internals that write the catalog'],
  ]),
  ...entries('other-backends', 'exact', 'function', [
    ['pg_terminate_backend', 'ends another session'],
    ['pg_cancel_backend', 'cancels another session’s query'],
    ['pg_signal_backend', 'signals another session'],
    ['pg_log_backend_memory_contexts', 'makes another session write to the server log'],
  ]),
  ...entries('logging', 'exact', 'function', [
    ['pg_rotate_logfile', 'rotates the server log'],
    ['pg_rotate_logfile_old', 'adminpack name of pg_rotate_logfile'],
    ['pg_logfile_rotate', 'adminpack name of pg_rotate_logfile'],
  ]),
  ...entries('replication', 'exact', 'function', [
    ['pg_create_physical_replication_slot', 'creates a slot that retains WAL'],
    ['pg_create_logical_replication_slot', 'creates a slot that retains WAL'],
    ['pg_drop_replication_slot', 'drops a slot another system may depend on'],
    ['pg_copy_physical_replication_slot', 'creates a slot that retains WAL'],
    ['pg_copy_logical_replication_slot', 'creates a slot that retains WAL'],
    ['pg_replication_slot_advance', 'consumes changes of a slot'],
    ['pg_sync_replication_slots', 'synchronises failover slots'],
  ]),
  ...entries('replication', 'prefix', 'function', [
    [
      'pg_logical_slot_',
      'pg_logical_slot_get_changes consumes a slot; the peek variants decode every database’s changes',
    ],
    ['pg_replication_origin_', 'creates, drops, advances or binds replication origins'],
  ]),
  ...entries('statistics', 'prefix', 'function', [
    [
      'pg_stat_reset',
      'pg_stat_reset, pg_stat_reset_shared, pg_stat_reset_single_table_counters, … erase statistics',
    ],
  ]),
  ...entries('statistics', 'exact', 'function', [
    ['pg_stat_statements_reset', 'pg_stat_statements: erases query statistics'],
    ['pg_restore_relation_stats', 'PG 18: overwrites planner statistics in pg_class'],
    ['pg_restore_attribute_stats', 'PG 18: overwrites planner statistics in pg_statistic'],
    ['pg_clear_relation_stats', 'PG 18: erases planner statistics in pg_class'],
    ['pg_clear_attribute_stats', 'PG 18: erases planner statistics in pg_statistic'],
  ]),
  ...entries('advisory-locks', 'prefix', 'function', [
    ['pg_advisory_', 'session-level advisory locks outlive the call on a pooled session'],
    ['pg_try_advisory_', 'session-level advisory locks outlive the call on a pooled session'],
  ]),
  ...entries('sequences', 'exact', 'function', [
    ['nextval', 'advances a sequence (not rolled back)'],
    ['setval', 'sets a sequence (not rolled back)'],
  ]),
  ...entries('notify', 'exact', 'function', [
    ['pg_notify', 'NOTIFY in function form; reaches other sessions'],
  ]),
  // Exact names: a `lo_` prefix would also match ordinary columns such as lo_price.
  ...entries('large-objects', 'exact', 'function', [
    ['lo_open', 'opens a large object'],
    ['lo_close', 'closes a large-object descriptor'],
    ['lo_creat', 'creates a large object'],
    ['lo_create', 'creates a large object'],
    ['lo_unlink', 'deletes a large object'],
    ['lo_get', 'reads a large object, bypassing table privileges when lo_compat_privileges is on'],
    ['lo_put', 'writes into a large object'],
    ['lo_from_bytea', 'creates a large object'],
    ['lo_lseek', 'moves a large-object descriptor'],
    ['lo_lseek64', 'moves a large-object descriptor'],
    ['lo_tell', 'reads a large-object descriptor'],
    ['lo_tell64', 'reads a large-object descriptor'],
    ['lo_truncate', 'truncates a large object'],
    ['lo_truncate64', 'truncates a large object'],
    ['loread', 'reads a large object'],
    ['lowrite', 'writes a large object'],
  ]),
  ...entries('transaction-ids', 'exact', 'function', [
    ['txid_current', 'assigns an XID even in a READ ONLY transaction'],
    ['pg_current_xact_id', 'assigns an XID even in a READ ONLY transaction'],
  ]),
  ...entries('index-maintenance', 'exact', 'function', [
    ['brin_summarize_new_values', 'writes BRIN summaries'],
    ['brin_summarize_range', 'writes BRIN summaries'],
    ['brin_desummarize_range', 'removes BRIN summaries'],
    ['gin_clean_pending_list', 'moves GIN pending entries into the index'],
  ]),
  // hypopg's hypothetical indexes are not transactional: they outlive ROLLBACK on a pooled session.
  ...entries('planner-state', 'exact', 'function', [
    ['hypopg_create_index', 'hypopg: adds a hypothetical index that outlives the transaction'],
    ['hypopg_drop_index', 'hypopg: drops a hypothetical index'],
    ['hypopg_reset', 'hypopg: drops every hypothetical index'],
    ['hypopg_reset_index', 'hypopg (old name): drops every hypothetical index'],
    ['hypopg_hide_index', 'hypopg: hides a real index from the planner'],
    ['hypopg_unhide_index', 'hypopg: unhides a hidden index'],
    ['hypopg_unhide_all_indexes', 'hypopg: unhides every hidden index'],
  ]),
]);

const exact = new Map<string, DenyListEntry[]>();
const prefixes: DenyListEntry[] = [];
for (const entry of DENY_LIST) {
  if (entry.match === 'prefix') prefixes.push(entry);
  else
    exact.set(`${entry.object}:${entry.name}`, [
      ...(exact.get(`${entry.object}:${entry.name}`) ?? []),
      entry,
    ]);
}

/**
 * The deny-list entry a name matches, if any. `argCount` (when known) filters entries that
 * only match some arities.
 */
export function findDenied(
  object: DenyListEntry['object'],
  name: string,
  argCount?: number,
): DenyListEntry | undefined {
  // Case-insensitive on purpose: "PG_READ_FILE" is a different identifier, but nothing
  // legitimate is called that and refusing it is the safe direction.
  const lower = name.toLowerCase();
  const candidates = [
    ...(exact.get(`${object}:${lower}`) ?? []),
    ...prefixes.filter((entry) => entry.object === object && lower.startsWith(entry.name)),
  ];
  return candidates.find(
    (entry) => !entry.argCounts || argCount === undefined || entry.argCounts.includes(argCount),
  );
}
