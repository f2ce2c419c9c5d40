import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** A fault the fake provider can be told to commit on the next sign-ins. */
export type FakeOidcFault =
  /** The ID token is signed with a key that is not in the JWKS (same key id). */
  | 'bad_signature'
  | 'wrong_audience'
  /** The ID token expired an hour ago. */
  | 'expired'
  /** The ID token names another issuer. */
  | 'wrong_issuer'
  /** The ID token carries another nonce than the one asked for. */
  | 'nonce_mismatch'
  /** The redirect back carries another state than the one asked for. */
  | 'state_mismatch'
  /** The user refused: the redirect back carries error=access_denied. */
  | 'access_denied';

/** A local OpenID provider on 127.0.0.1 speaking the real wire format (discovery, JWKS, code flow). */
export interface FakeOidcProvider {
  /** http://127.0.0.1:<port> — also its discovery document's issuer. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The person who signs in next: `sub` and any claims (groups, email…), put in the ID token. */
  user: Record<string, unknown> & { sub: string };
  /** A fault to commit (until set back to undefined). */
  fault: FakeOidcFault | undefined;
  /** The authorization requests received (their query parameters). */
  readonly authorizations: Record<string, string>[];
  /** How many codes were exchanged at the token endpoint. */
  readonly exchanges: number;
  close(): Promise<void>;
}

interface PendingCode {
  redirectUri: string;
  challenge: string;
  nonce: string;
  claims: Record<string, unknown>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function basicCredentials(header: string | undefined): [string, string] | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const [id, secret] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  return id !== undefined && secret !== undefined
    ? [decodeURIComponent(id), decodeURIComponent(secret)]
    : undefined;
}

/**
 * Starts a fake OpenID provider: `/.well-known/openid-configuration`, `/jwks`, `/authorize` (signs
 * `user` in at once and redirects back with a code), `/token` (client_secret_basic, PKCE S256,
 * returns an RS256 ID token signed with a test key via jose). Set `user` and `fault` between sign-ins.
 *
 * @example
 *   const idp = await startFakeOidcProvider({ user: { sub: 'u1', preferred_username: 'ada', groups: ['eng'] } });
 */
export async function startFakeOidcProvider(options: {
  user: FakeOidcProvider['user'];
  clientId?: string;
  clientSecret?: string;
}): Promise<FakeOidcProvider> {
  const keys = await generateKeyPair('RS256');
  const impostor = await generateKeyPair('RS256');
  const kid = 'fake-oidc-key';
  const publicJwk: JWK = { ...(await exportJWK(keys.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, PendingCode>();
  let exchanges = 0;

  const provider = {
    issuer: '',
    clientId: options.clientId ?? 'pgmcp-test',
    clientSecret: options.clientSecret ?? 'fake-oidc-client-secret',
    user: options.user,
    fault: undefined as FakeOidcFault | undefined,
    authorizations: [] as Record<string, string>[],
    get exchanges() {
      return exchanges;
    },
    close: async () => {},
  };

  async function idToken(pending: PendingCode): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const { fault } = provider;
    const iat = fault === 'expired' ? now - 7200 : now;
    return new SignJWT({
      ...pending.claims,
      nonce: fault === 'nonce_mismatch' ? 'another-nonce' : pending.nonce,
    })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(fault === 'wrong_issuer' ? 'https://impostor.example.com' : provider.issuer)
      .setAudience(fault === 'wrong_audience' ? 'another-client' : provider.clientId)
      .setSubject(String(pending.claims.sub))
      .setIssuedAt(iat)
      .setExpirationTime(iat + (fault === 'expired' ? 3600 : 300))
      .sign(fault === 'bad_signature' ? impostor.privateKey : keys.privateKey);
  }

  function authorize(url: URL, res: ServerResponse): void {
    const query = Object.fromEntries(url.searchParams);
    provider.authorizations.push(query);
    const redirectUri = query.redirect_uri ?? '';
    const ok =
      query.client_id === provider.clientId &&
      query.response_type === 'code' &&
      query.code_challenge_method === 'S256' &&
      /^[A-Za-z0-9_-]{43}$/.test(query.code_challenge ?? '') &&
      URL.canParse(redirectUri) &&
      (query.scope ?? '').split(' ').includes('openid');
    if (!ok) return send(res, 400, { error: 'invalid_request' });
    const back = new URL(redirectUri);
    const state = provider.fault === 'state_mismatch' ? 'not-the-state' : (query.state ?? '');
    if (provider.fault === 'access_denied') {
      back.search = new URLSearchParams({ error: 'access_denied', state }).toString();
    } else {
      const code = randomBytes(16).toString('base64url');
      codes.set(code, {
        redirectUri,
        challenge: query.code_challenge!,
        nonce: query.nonce ?? '',
        claims: { ...provider.user },
      });
      back.search = new URLSearchParams({ code, state, iss: provider.issuer }).toString();
    }
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const credentials = basicCredentials(req.headers.authorization);
    if (credentials?.[0] !== provider.clientId || credentials[1] !== provider.clientSecret)
      return send(res, 401, { error: 'invalid_client' });
    const code = form.get('code') ?? '';
    const pending = codes.get(code);
    codes.delete(code);
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (
      form.get('grant_type') !== 'authorization_code' ||
      !pending ||
      pending.redirectUri !== form.get('redirect_uri') ||
      pending.challenge !== challenge
    )
      return send(res, 400, { error: 'invalid_grant' });
    exchanges += 1;
    send(res, 200, {
      access_token: randomBytes(16).toString('base64url'),
      token_type: 'Bearer',
      expires_in: 300,
      id_token: await idToken(pending),
    });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', provider.issuer);
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /.well-known/openid-configuration') {
      return send(res, 200, {
        issuer: provider.issuer,
        authorization_endpoint: `${provider.issuer}/authorize`,
        token_endpoint: `${provider.issuer}/token`,
        jwks_uri: `${provider.issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        authorization_response_iss_parameter_supported: true,
      });
    }
    if (route === 'GET /jwks') return send(res, 200, { keys: [publicJwk] });
    if (route === 'GET /authorize') return authorize(url, res);
    if (route === 'POST /token') {
      token(req, res).catch(() => send(res, 500, { error: 'server_error' }));
      return;
    }
    send(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  provider.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return provider;
}
