import { z } from 'zod';

/** An https issuer (http only on loopback, for local providers and tests). */
const issuerUrl = z
  .string()
  .refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    if (url.search || url.hash) return false;
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
  }, 'expected the https URL of the OpenID provider (its discovery document is <issuer>/.well-known/openid-configuration), e.g. https://login.example.com/realms/acme')
  .transform((value) => value.replace(/\/+$/, ''));

const claimName = z.string().trim().min(1).max(200);

/** Signing algorithms an ID token may use (asymmetric only: the client secret never signs tokens). */
export const OIDC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/**
 * `auth.oidc:` — single sign-on with an OpenID Connect provider (Keycloak, Entra ID, Okta, Google,
 * Authentik…): the login page offers "Sign in with <name>"; users are created on their first login
 * and their groups follow the provider's claim on every login.
 */
export const OidcConfigSchema = z.strictObject({
  /** The provider's issuer URL, exactly as its discovery document states it. */
  issuer: issuerUrl,
  client_id: z.string().min(1),
  /** The client secret (PGMCP_OIDC_CLIENT_SECRET, or a file: client_secret_file / PGMCP_OIDC_CLIENT_SECRET_FILE). */
  client_secret: z.string().min(1).optional(),
  client_secret_file: z.string().min(1).optional(),
  /** Scopes asked for; `openid` is always added. */
  scopes: z.array(z.string().min(1)).default(['openid', 'profile', 'email']),
  /** The provider's name on the login button: "Sign in with <name>". */
  name: z.string().trim().min(1).max(60).default('single sign-on'),
  /** The claim the username is made from (falls back to the email's local part, then the subject). */
  username_claim: claimName.default('preferred_username'),
  email_claim: claimName.default('email'),
  display_name_claim: claimName.default('name'),
  /** The claim listing the user's groups at the provider (a list of strings, or one string). */
  groups_claim: claimName.default('groups'),
  /**
   * Provider group → pgmcp group(s). pgmcp groups named here are managed: each login adds or
   * removes the user according to the claim; other groups are left alone.
   */
  group_mapping: z
    .record(z.string().min(1), z.union([z.string().min(1), z.array(z.string().min(1))]))
    .default({}),
  /** Off: only superusers and holders of an admin permission may log in with a password. */
  local_passwords: z.enum(['everyone', 'admins_only']).default('everyone'),
  /** ID token signing algorithms accepted. */
  allowed_algorithms: z.array(z.enum(OIDC_ALGORITHMS)).min(1).default(['RS256', 'ES256', 'PS256', 'EdDSA']),
  /** Clock skew tolerated when checking `exp` and `iat`. */
  clock_skew_seconds: z.number().int().min(0).max(300).default(60),
});
export type OidcConfig = z.infer<typeof OidcConfigSchema>;
