import type { ExternalLoginInput } from '@pgmcp/auth-store';
import type { OidcConfig } from '@pgmcp/config';
import type { JWTPayload } from 'jose';

function text(payload: JWTPayload, claim: string): string | undefined {
  const value = payload[claim];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The provider's groups claim as a list (a list of strings, or one string). */
function providerGroups(payload: JWTPayload, claim: string): string[] {
  const value = payload[claim];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Every pgmcp group the mapping names: the groups single sign-on manages. */
export function managedGroups(config: OidcConfig): string[] {
  return [...new Set(Object.values(config.group_mapping).flat())];
}

/**
 * Who the verified ID token says the user is, in pgmcp's terms: the identity (issuer, subject), the
 * wanted username (username claim, else the email's local part, else the subject) and the pgmcp
 * groups the provider's groups map to.
 */
export function identityFrom(payload: JWTPayload, config: OidcConfig, issuer: string): ExternalLoginInput {
  const subject = payload.sub ?? '';
  const email = text(payload, config.email_claim);
  const displayName = text(payload, config.display_name_claim);
  const groups = providerGroups(payload, config.groups_claim).flatMap((group) => {
    const mapped = Object.hasOwn(config.group_mapping, group) ? config.group_mapping[group] : undefined;
    return mapped === undefined ? [] : [mapped].flat();
  });
  return {
    issuer,
    subject,
    username: text(payload, config.username_claim) ?? email?.split('@')[0] ?? subject,
    ...(email ? { email } : {}),
    ...(displayName ? { displayName } : {}),
    managedGroups: managedGroups(config),
    groups,
  };
}
