import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

/** The trimmed content of a file holding a secret; `what` names the setting in the error. */
export function readSecretFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(`${what}: cannot read the file ${file}.`, 'FILE_UNREADABLE', { cause: error });
  }
}
