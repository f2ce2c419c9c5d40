export { openKeyRing, type KeyRing, type KeyRingOptions } from './key-ring.js';
export { addKeyToFile, createKeyFile, pruneKeyFile, readKeyFile, type SecretKey } from './key-file.js';
export { SecretsError, type SecretsErrorCode } from './errors.js';
