import { isIP } from 'node:net';
import type { AuthStore, OAuthClient } from '@pgmcp/auth-store';
import type { OAuthConfig } from '@pgmcp/config';
import { z } from 'zod';
import { OAuthError } from './oauth-error.js';
import { redirectUriProblem } from './redirect-uris.js';

/** How a metadata document is fetched (the global fetch; tests pass one that reaches a local server). */
export type MetadataFetch = (url: string, init: RequestInit) => Promise<Response>;

/** A document is fetched again after this long, so a client's changes (new redirect URIs) arrive. */
const REFRESH_MS = 60 * 60_000;
const MAX_BYTES = 64 * 1024;
const TIMEOUT_MS = 5_000;

const DocumentSchema = z.looseObject({
  client_id: z.string(),
  client_name: z.string().max(200).optional(),
  client_uri: z.string().max(2000).optional(),
  redirect_uris: z.array(z.string().max(2000)).min(1).max(10),
  token_endpoint_auth_method: z.string().optional(),
});

/** Whether a client_id is a Client ID Metadata Document URL (https with a path, MCP 2025-11-25). */
export function isMetadataDocumentId(clientId: string): boolean {
  if (!URL.canParse(clientId)) return false;
  const url = new URL(clientId);
  return url.protocol === 'https:' && url.pathname !== '/' && !url.hash;
}

/** Addresses a metadata URL must not name: this machine and private networks (against SSRF). */
function privateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) return true;
  if (isIP(host) === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  if (isIP(host) === 6)
    return host === '::1' || host.startsWith('fc') || host.startsWith('fd') || host.startsWith('fe80');
  return false;
}

function allowedByList(url: URL, allowed: readonly string[]): boolean {
  const entries = new Set(allowed.map((e) => e.toLowerCase()));
  return entries.has(url.href.toLowerCase()) || entries.has(url.hostname.toLowerCase());
}

async function fetchDocument(url: string, fetcher: MetadataFetch): Promise<unknown> {
  let response: Response;
  try {
    response = await fetcher(url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw new OAuthError('invalid_client', `pgmcp could not fetch the client metadata document at ${url}.`);
  }
  if (!response.ok) {
    throw new OAuthError(
      'invalid_client',
      `The client metadata document at ${url} answered HTTP ${response.status}.`,
    );
  }
  const text = await response.text();
  if (text.length > MAX_BYTES)
    throw new OAuthError('invalid_client', `The client metadata document at ${url} is too large.`);
  try {
    return JSON.parse(text);
  } catch {
    throw new OAuthError('invalid_client', `The client metadata document at ${url} is not JSON.`);
  }
}

/**
 * The client a Client ID Metadata Document URL names: fetched (https only, no redirects, no private
 * addresses, 64 KiB, 5 s), checked (its client_id is its own URL, redirect URIs as for registration,
 * public client), and kept in the store under the registration policy; fetched again after an hour.
 */
export async function resolveMetadataClient(
  clientId: string,
  deps: { auth: AuthStore; config: OAuthConfig; fetch: MetadataFetch; now?: () => number },
): Promise<OAuthClient> {
  const known = await deps.auth.oauth.findClient(clientId);
  const now = deps.now?.() ?? Date.now();
  if (known && now - known.updatedAt.getTime() < REFRESH_MS) return known;
  const url = new URL(clientId);
  if (privateHost(url.hostname)) {
    throw new OAuthError(
      'invalid_client',
      'Client metadata documents on private or local addresses are not fetched.',
    );
  }
  if (
    !known &&
    deps.config.registration === 'allow_list' &&
    !allowedByList(url, deps.config.allowed_clients)
  ) {
    throw new OAuthError(
      'invalid_client',
      'This client is not on the server’s allow-list (oauth.allowed_clients).',
    );
  }
  const parsed = DocumentSchema.safeParse(await fetchDocument(clientId, deps.fetch));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new OAuthError(
      'invalid_client',
      `The client metadata document: ${issue.path.join('.') || 'document'}: ${issue.message}.`,
    );
  }
  const document = parsed.data;
  if (document.client_id !== clientId) {
    throw new OAuthError(
      'invalid_client',
      'The client metadata document names another client_id than its own URL.',
    );
  }
  if (document.token_endpoint_auth_method !== undefined && document.token_endpoint_auth_method !== 'none') {
    throw new OAuthError(
      'invalid_client',
      'pgmcp accepts public clients only (token_endpoint_auth_method "none").',
    );
  }
  for (const uri of document.redirect_uris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new OAuthError('invalid_client', `The client metadata document: ${problem}.`);
  }
  return deps.auth.oauth.registerClient({
    id: clientId,
    kind: 'metadata_document',
    name: document.client_name ?? url.hostname,
    ...(document.client_uri !== undefined && /^https?:\/\//.test(document.client_uri)
      ? { clientUri: document.client_uri }
      : {}),
    redirectUris: document.redirect_uris,
    metadata: document,
    status: deps.config.registration === 'approval' ? 'pending' : 'active',
  });
}
