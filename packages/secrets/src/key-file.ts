import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { SecretsError } from './errors.js';

/** One AES-256 key and the id stored beside every ciphertext it made. */
export interface SecretKey {
  readonly id: string;
  readonly key: Buffer;
}

const HEADER = [
  '# pgmcp secret keys: one "<id> <base64 key>" per line. The LAST key encrypts; every key decrypts.',
  '# BACK THIS FILE UP. Without it the stored connection passwords cannot be read.',
  '# Rotate with `pgmcp secrets rotate` (adds a key and re-encrypts); remove old lines only afterwards.',
];
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

function newKey(): SecretKey {
  return { id: `k${randomBytes(4).toString('hex')}`, key: randomBytes(32) };
}

function render(keys: readonly SecretKey[]): string {
  return [...HEADER, ...keys.map((k) => `${k.id} ${k.key.toString('base64')}`)].join('\n') + '\n';
}

/** Parses a key file's text; throws KEY_FILE_INVALID naming the file and line. */
export function parseKeyFile(file: string, text: string): SecretKey[] {
  const keys: SecretKey[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [id, encoded, extra] = line.split(/\s+/);
    const key = encoded ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
    if (!id || !KEY_ID.test(id) || extra !== undefined || key.length !== 32) {
      throw new SecretsError(
        'KEY_FILE_INVALID',
        `Secret key file ${file}, line ${index + 1}: expected "<id> <base64 of 32 random bytes>".`,
      );
    }
    if (keys.some((k) => k.id === id)) {
      throw new SecretsError('KEY_FILE_INVALID', `Secret key file ${file}: key id "${id}" appears twice.`);
    }
    keys.push({ id, key });
  });
  if (keys.length === 0) {
    throw new SecretsError('KEY_FILE_INVALID', `Secret key file ${file} holds no key.`);
  }
  return keys;
}

/** Reads the keys of `file`; throws KEY_FILE_MISSING or KEY_FILE_INVALID naming it. */
export function readKeyFile(file: string): SecretKey[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SecretsError(
      code === 'ENOENT' ? 'KEY_FILE_MISSING' : 'KEY_FILE_INVALID',
      code === 'ENOENT'
        ? `Secret key file ${file} does not exist.`
        : `Secret key file ${file} cannot be read (${code ?? 'error'}).`,
      { cause: error },
    );
  }
  return parseKeyFile(file, text);
}

/** Writes `keys` to `file` atomically with mode 0600 (a temporary file renamed over it). */
function writeKeyFile(file: string, keys: readonly SecretKey[]): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, render(keys));
  } finally {
    closeSync(fd);
  }
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** Creates `file` (mode 0600, directory included) with one new key; fails if it exists. Returns the key. */
export function createKeyFile(file: string): SecretKey {
  mkdirSync(path.dirname(file), { recursive: true });
  const key = newKey();
  // 'wx': never overwrite a key file another process just wrote.
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, render([key]));
  } finally {
    closeSync(fd);
  }
  return key;
}

/** Appends a new key to `file`, which makes it the one that encrypts; returns it. Old keys stay. */
export function addKeyToFile(file: string): SecretKey {
  const keys = readKeyFile(file);
  const key = newKey();
  writeKeyFile(file, [...keys, key]);
  return key;
}

/** Rewrites `file` keeping only the keys whose ids are in `keep` (after a rotation finished). */
export function pruneKeyFile(file: string, keep: ReadonlySet<string>): string[] {
  const keys = readKeyFile(file);
  const kept = keys.filter((k) => keep.has(k.id));
  if (kept.length === 0) throw new SecretsError('KEY_FILE_INVALID', `Pruning would empty ${file}.`);
  if (kept.length !== keys.length) writeKeyFile(file, kept);
  return keys.filter((k) => !keep.has(k.id)).map((k) => k.id);
}
