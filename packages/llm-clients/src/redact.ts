/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

// Shapes of credentials a provider may echo back even when it is not our configured key
// (OpenAI prints a masked copy of a wrong key; proxies echo Authorization headers).
const CREDENTIAL_PATTERNS: readonly [RegExp, string][] = [
  [/\bsk-[A-Za-z0-9_*.-]{6,}/g, REDACTED],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=*-]{6,}/gi, `$1 ${REDACTED}`],
  [/\b(x-api-key|api[_-]?key|authorization)(["']?\s*[:=]\s*["']?)[^\s"',}]{6,}/gi, `$1$2${REDACTED}`],
];

/** Removes every given secret and anything shaped like a credential from a text. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    // Short strings would redact ordinary words; real keys are long.
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
