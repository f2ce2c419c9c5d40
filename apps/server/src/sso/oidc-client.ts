import { timingSafeEqual } from 'node:crypto';
import type { SsoErrorCode } from '@pgmcp/api-contract';
import type { OidcConfig } from '@pgmcp/config';
import { createRemoteJWKSet, errors as joseErrors, type JWTPayload, jwtVerify } from 'jose';
import { z } from 'zod';
import { s256Challenge } from '../oauth/pkce.js';

/** A refused single sign-on: `code` picks the login page's message, `detail` is for the log only. */
export class SsoError extends Error {
  override readonly name = 'SsoError';
  constructor(
    readonly code: SsoErrorCode,
    /** What went wrong, without tokens or secrets. */
    readonly detail: string,
  ) {
    super(detail);
  }
}

const DiscoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
});
type Discovery = z.infer<typeof DiscoverySchema>;

const TokenAnswerSchema = z.object({ id_token: z.string().min(1) });

/** What starting a sign-in needs to remember (in the browser's short-lived cookie). */
export interface SignInAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** pgmcp as a confidential client of an OpenID provider (authorization code flow with PKCE S256). */
export interface OidcClient {
  /** The provider's authorization URL for one attempt. */
  authorizationUrl(attempt: SignInAttempt, redirectUri: string): Promise<string>;
  /** Exchanges the code and verifies the ID token (signature, iss, aud, exp/iat, nonce, algorithm). */
  redeem(code: string, attempt: SignInAttempt, redirectUri: string): Promise<JWTPayload>;
}

const TIMEOUT_MS = 10_000;

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Which ID token check failed, in words for the log (jose's codes name the claim). */
function describeTokenError(error: unknown): string {
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim "${error.claim}" ${error.reason}`;
  if (error instanceof joseErrors.JWTExpired) return 'the ID token has expired';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'its signing algorithm is not allowed';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the provider matches its signature';
  if (error instanceof joseErrors.JOSEError) return `${error.code}`;
  return 'it is not a valid JWT';
}

/**
 * A client of the configured provider. Discovery (`<issuer>/.well-known/openid-configuration`) is
 * fetched on first use and again after a failure; its `issuer` must be the configured one.
 */
export function createOidcClient(config: OidcConfig, fetchImpl: typeof fetch = fetch): OidcClient {
  let discovery: Promise<Discovery> | undefined;
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new SsoError('provider_unreachable', `${url}: ${(error as Error).message}`);
    }
    const body: unknown = await response.json().catch(() => undefined);
    return { status: response.status, body };
  }

  async function discover(): Promise<Discovery> {
    const url = `${config.issuer}/.well-known/openid-configuration`;
    const { status, body } = await getJson(url);
    const parsed = DiscoverySchema.safeParse(body);
    if (status !== 200 || !parsed.success)
      throw new SsoError('provider_unreachable', `${url} answered ${status} without a discovery document`);
    if (parsed.data.issuer.replace(/\/+$/, '') !== config.issuer)
      throw new SsoError(
        'invalid_token',
        `the discovery document names issuer ${parsed.data.issuer}, not ${config.issuer}`,
      );
    return parsed.data;
  }

  function metadata(): Promise<Discovery> {
    discovery ??= discover().catch((error: unknown) => {
      discovery = undefined;
      throw error;
    });
    return discovery;
  }

  async function exchange(meta: Discovery, code: string, attempt: SignInAttempt, redirectUri: string) {
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: attempt.codeVerifier,
    });
    const secret = config.client_secret ?? '';
    const methods = meta.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (methods.includes('client_secret_basic') || !methods.includes('client_secret_post')) {
      // RFC 6749 §2.3.1: form-encode both parts before joining them.
      const basic = `${encodeURIComponent(config.client_id)}:${encodeURIComponent(secret)}`;
      headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
    } else {
      form.set('client_id', config.client_id);
      form.set('client_secret', secret);
    }
    const { status, body } = await getJson(meta.token_endpoint, { method: 'POST', headers, body: form });
    const parsed = TokenAnswerSchema.safeParse(body);
    if (status !== 200 || !parsed.success) {
      const error = z.object({ error: z.string() }).safeParse(body);
      throw new SsoError(
        'provider_error',
        `the token endpoint answered ${status}${error.success ? ` (${error.data.error.slice(0, 80)})` : ' without an ID token'}`,
      );
    }
    return parsed.data.id_token;
  }

  return {
    async authorizationUrl(attempt, redirectUri) {
      const meta = await metadata();
      const url = new URL(meta.authorization_endpoint);
      const scopes = new Set(['openid', ...config.scopes]);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: config.client_id,
        redirect_uri: redirectUri,
        scope: [...scopes].join(' '),
        state: attempt.state,
        nonce: attempt.nonce,
        code_challenge: s256Challenge(attempt.codeVerifier),
        code_challenge_method: 'S256',
      }).toString();
      return url.toString();
    },

    async redeem(code, attempt, redirectUri) {
      const meta = await metadata();
      const idToken = await exchange(meta, code, attempt, redirectUri);
      jwks ??= createRemoteJWKSet(new URL(meta.jwks_uri), { timeoutDuration: TIMEOUT_MS });
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(idToken, jwks, {
          issuer: meta.issuer,
          audience: config.client_id,
          algorithms: [...config.allowed_algorithms],
          clockTolerance: config.clock_skew_seconds,
          // Checks iat too: a token from the future, or older than this, is refused.
          maxTokenAge: '10 minutes',
          requiredClaims: ['sub', 'iat', 'exp', 'nonce'],
        }));
      } catch (error) {
        throw new SsoError('invalid_token', `the ID token was refused: ${describeTokenError(error)}`);
      }
      // OpenID Connect Core §3.1.3.7: with several audiences, the token must be meant for this client.
      if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== config.client_id)
        throw new SsoError(
          'invalid_token',
          'the ID token has several audiences and another authorized party',
        );
      if (typeof payload.nonce !== 'string' || !sameText(payload.nonce, attempt.nonce))
        throw new SsoError('nonce_mismatch', 'the ID token nonce is not the one this browser was given');
      return payload;
    },
  };
}
