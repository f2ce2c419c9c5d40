import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { ConfigError } from '@pgmcp/config';

/** The PEM certificate chain and private key the HTTPS server serves. */
export interface TlsPair {
  cert: Buffer;
  key: Buffer;
}

/** Where `http.tls` points, resolved against the working directory. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export function tlsFiles(tls: { cert_file: string; key_file: string }, cwd: string): TlsFiles {
  return { certFile: path.resolve(cwd, tls.cert_file), keyFile: path.resolve(cwd, tls.key_file) };
}

function readPem(file: string, setting: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : (code ?? 'unreadable');
    throw new ConfigError(`Cannot read ${setting} ${file}: ${why}.`);
  }
}

/**
 * Reads the certificate and key and checks that they belong together (OpenSSL's own check), so a
 * wrong pair stops the start — or, on SIGHUP, leaves the serving pair in place — with a message
 * naming both files. Messages never include file contents.
 */
export function readTlsPair(files: TlsFiles): TlsPair {
  const cert = readPem(files.certFile, 'the TLS certificate (http.tls.cert_file)');
  const key = readPem(files.keyFile, 'the TLS key (http.tls.key_file)');
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? '';
    if (/KEY_VALUES_MISMATCH/.test(reason) || /key values mismatch/i.test(String(error))) {
      throw new ConfigError(
        `The TLS key ${files.keyFile} does not match the certificate ${files.certFile} ` +
          '(http.tls.key_file, http.tls.cert_file): give the key the certificate was issued for.',
      );
    }
    throw new ConfigError(
      `The TLS certificate ${files.certFile} or key ${files.keyFile} is not valid PEM ` +
        `(http.tls.cert_file, http.tls.key_file)${reason ? `: ${reason}` : ''}.`,
    );
  }
  return { cert, key };
}
