import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { SecretsError } from './errors.js';
import { createKeyFile, readKeyFile, type SecretKey } from './key-file.js';

/** Options of {@link openKeyRing}. */
export interface KeyRingOptions {
  /** The key file (`PGMCP_SECRET_KEY_FILE`, or `secret.key` in the data dir). */
  file: string;
  /**
   * Create the file with one new key when it does not exist (default false: a missing file is
   * KEY_FILE_MISSING). Only for a store that holds no secret yet: a new key cannot read old ones.
   */
  createIfMissing?: boolean;
  /** Told about a created key file and about a key file others can read. */
  onWarning?: (message: string) => void;
}

/** Encrypts and decrypts the secrets pgmcp stores. */
export interface KeyRing {
  /** The key file. */
  readonly file: string;
  /** Whether {@link openKeyRing} created the file just now. */
  readonly created: boolean;
  /** The id of the key that encrypts (the file's last). */
  activeKeyId(): string;
  /** The ids of every key held, oldest first. */
  keyIds(): string[];
  /**
   * Encrypts `plaintext` under the active key. `context` (e.g. "connection:c1:password") is bound
   * into the ciphertext: it decrypts only with the same context, so values cannot be swapped.
   */
  encrypt(plaintext: string, context: string): string;
  /** Decrypts what {@link encrypt} made with the same `context`; re-reads the file once for an unknown key id. */
  decrypt(ciphertext: string, context: string): string;
  /** The key id written in a ciphertext. */
  keyIdOf(ciphertext: string): string;
  /** Re-reads the key file (after `pgmcp secrets rotate` added a key). */
  reload(): void;
}

const PREFIX = 'pgmcp-secret:v1';

function parse(ciphertext: string): { keyId: string; iv: Buffer; body: Buffer } {
  const parts = ciphertext.split(':');
  if (parts.length !== 5 || `${parts[0]}:${parts[1]}` !== PREFIX) {
    throw new SecretsError('INVALID_CIPHERTEXT', 'The value is not a pgmcp-encrypted secret.');
  }
  const iv = Buffer.from(parts[3]!, 'base64url');
  const body = Buffer.from(parts[4]!, 'base64url');
  if (iv.length !== 12 || body.length < 16) {
    throw new SecretsError('INVALID_CIPHERTEXT', 'The encrypted secret is truncated.');
  }
  return { keyId: parts[2]!, iv, body };
}

/**
 * Opens the key ring of `file`: AES-256-GCM with a random 96-bit nonce per value, the key id
 * stored beside each ciphertext (`pgmcp-secret:v1:<key id>:<nonce>:<ciphertext+tag>`), so values
 * written under an old key stay readable while a rotation re-encrypts them.
 *
 * @example
 *   const ring = openKeyRing({ file: 'data/secret.key', createIfMissing: true });
 *   const stored = ring.encrypt('s3cret', 'connection:c1:password');
 *   ring.decrypt(stored, 'connection:c1:password'); // 's3cret'
 */
export function openKeyRing(options: KeyRingOptions): KeyRing {
  const { file } = options;
  let created = false;
  let keys: SecretKey[];
  try {
    keys = readKeyFile(file);
  } catch (error) {
    if (!(error instanceof SecretsError && error.code === 'KEY_FILE_MISSING' && options.createIfMissing))
      throw error;
    try {
      keys = [createKeyFile(file)];
      created = true;
    } catch (raced) {
      // Another replica or process created it first: use theirs.
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
      keys = readKeyFile(file);
    }
  }
  if (created) {
    options.onWarning?.(
      `Created the secret key file ${file} (mode 0600). BACK IT UP: stored connection passwords cannot be read without it. Set PGMCP_SECRET_KEY_FILE to use a key kept elsewhere.`,
    );
  } else if ((statSync(file).mode & 0o077) !== 0) {
    options.onWarning?.(`Secret key file ${file} is readable by other users; run chmod 600 on it.`);
  }
  const active = () => keys[keys.length - 1]!;
  const find = (id: string) => keys.find((k) => k.id === id);

  return {
    file,
    created,
    activeKeyId: () => active().id,
    keyIds: () => keys.map((k) => k.id),
    encrypt(plaintext, context) {
      const { id, key } = active();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(`${PREFIX}:${id}:${context}`));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${PREFIX}:${id}:${iv.toString('base64url')}:${body.toString('base64url')}`;
    },
    decrypt(ciphertext, context) {
      const { keyId, iv, body } = parse(ciphertext);
      let entry = find(keyId);
      if (!entry) {
        keys = readKeyFile(file);
        entry = find(keyId);
      }
      if (!entry) {
        throw new SecretsError(
          'UNKNOWN_KEY',
          `A stored secret was encrypted with key "${keyId}", which the secret key file ${file} does not hold. Restore the key file that has it (keys: ${keys.map((k) => k.id).join(', ')}).`,
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', entry.key, iv);
        decipher.setAAD(Buffer.from(`${PREFIX}:${keyId}:${context}`));
        decipher.setAuthTag(body.subarray(body.length - 16));
        return Buffer.concat([
          decipher.update(body.subarray(0, body.length - 16)),
          decipher.final(),
        ]).toString('utf8');
      } catch (error) {
        throw new SecretsError(
          'DECRYPT_FAILED',
          `A stored secret does not decrypt with key "${keyId}" of the secret key file ${file}: the file holds a different key under that id, or the value was altered.`,
          { cause: error },
        );
      }
    },
    keyIdOf: (ciphertext) => parse(ciphertext).keyId,
    reload() {
      keys = readKeyFile(file);
    },
  };
}
