import type { Command } from 'commander';
import { addStoreOptions, type AdminIo } from './admin-context.js';
import { registerAlertCommands } from './alert-commands.js';
import { registerConnectionCommands } from './connection-commands.js';
import { registerAuditCommands } from './audit-commands.js';
import { registerGrantCommands } from './grant-commands.js';
import { registerGroupCommands } from './group-commands.js';
import { registerOAuthCommands } from './oauth-commands.js';
import { registerPrivilegesCommands } from './privileges-commands.js';
import { registerTokenCommands } from './token-commands.js';
import { registerUserCommands } from './user-commands.js';

/** Options of {@link registerAdminCommands}. */
export interface AdminCommandsIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** Where passwords and confirmations are read (default process.stdin). */
  input?: AdminIo['input'];
  /** Receives the selected command's work; it resolves with the exit code. */
  run(work: Promise<number>): void;
}

/**
 * Adds the administration commands (user, token, group, grant, revoke, privileges, oauth, connection, secrets, audit, alerts, blackout) to `program`.
 * They work on the configured store directly; no server needs to run.
 */
export function registerAdminCommands(program: Command, io: AdminCommandsIo): void {
  const adminIo: AdminIo = { ...io, input: io.input ?? process.stdin };
  const before = program.commands.length;
  registerUserCommands(program, adminIo);
  registerTokenCommands(program, adminIo);
  registerGroupCommands(program, adminIo);
  registerGrantCommands(program, adminIo);
  registerPrivilegesCommands(program, adminIo);
  registerOAuthCommands(program, adminIo);
  registerConnectionCommands(program, adminIo);
  registerAuditCommands(program, adminIo);
  registerAlertCommands(program, adminIo);
  const added = program.commands.slice(before);
  addStoreOptions(added);
  for (const command of added) command.helpGroup('Administration (works on the store directly):');
}
