import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ConnectionStoreError } from './errors.js';

/** Where stored connections may point (`connection_security:` of the server's config). */
export interface HostPolicy {
  allowedHosts: readonly string[];
  blockedHosts: readonly string[];
  allowInternalNetworks: boolean;
}

/** Resolves a host name to its addresses (tests pass their own). */
export type Resolver = (host: string) => Promise<string[]>;

/** Refuses hosts a stored connection must not point at (the SSRF guard). */
export interface HostGuard {
  /** Throws INVALID_INPUT naming the `host` field when the host, or an address it resolves to, is refused. */
  check(host: string): Promise<void>;
}

/** Link-local and cloud metadata endpoints: refused unless allowed_hosts names them. */
const METADATA = [
  ['169.254.0.0', 16, 'ipv4'],
  ['100.100.100.200', 32, 'ipv4'],
  ['0.0.0.0', 8, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['255.255.255.255', 32, 'ipv4'],
  ['fe80::', 10, 'ipv6'],
  ['fd00:ec2::254', 128, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
  ['::', 128, 'ipv6'],
] as const;
/** Private networks and loopback: allowed while allow_internal_networks is on (the default). */
const INTERNAL = [
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['fc00::', 7, 'ipv6'],
  ['::1', 128, 'ipv6'],
] as const;

type Family = 'ipv4' | 'ipv6';

function familyOf(address: string): Family {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** `::ffff:169.254.169.254` is 169.254.169.254. */
function unmap(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

function blockList(ranges: readonly (readonly [string, number, Family])[]): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of ranges) list.addSubnet(network, prefix, family);
  return list;
}

/** Host-name patterns (`db.example.com`, `*.example.com`) and address ranges of a list. */
function parseList(entries: readonly string[], key: string): { names: string[]; addresses: BlockList } {
  const names: string[] = [];
  const addresses = new BlockList();
  for (const entry of entries) {
    const [ip, bits] = entry.split('/');
    const address = unmap((ip ?? '').replace(/^\[|\]$/g, ''));
    if (isIP(address)) {
      const family = familyOf(address);
      const prefix = bits === undefined ? (family === 'ipv4' ? 32 : 128) : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 'ipv4' ? 32 : 128)) {
        throw new Error(`connection_security.${key}: "${entry}" has an invalid prefix length.`);
      }
      addresses.addSubnet(address, prefix, family);
    } else {
      names.push(entry.toLowerCase());
    }
  }
  return { names, addresses };
}

function nameMatches(patterns: readonly string[], host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((p) => (p.startsWith('*.') ? name.endsWith(p.slice(1)) : name === p));
}

const defaultResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * The SSRF guard of stored connections: checks the host name against the lists, then every
 * address it resolves to (so a name pointing at 169.254.169.254 is refused like the address).
 * By default link-local and metadata addresses are refused and private networks and loopback
 * allowed. A name that does not resolve passes: it reaches nothing, and "Test" reports DNS.
 *
 * @example
 *   const guard = createHostGuard({ allowedHosts: [], blockedHosts: [], allowInternalNetworks: true });
 *   await guard.check('169.254.169.254'); // throws INVALID_INPUT: host: ... metadata address
 */
export function createHostGuard(policy: HostPolicy, resolve: Resolver = defaultResolver): HostGuard {
  const allowed = parseList(policy.allowedHosts, 'allowed_hosts');
  const blocked = parseList(policy.blockedHosts, 'blocked_hosts');
  const metadata = blockList(METADATA);
  const internal = blockList(INTERNAL);
  const refuse = (host: string, why: string) =>
    new ConnectionStoreError('INVALID_INPUT', `host: "${host}" ${why}`, { field: 'host' });

  return {
    async check(rawHost) {
      const host = rawHost.replace(/^\[|\]$/g, '');
      if (nameMatches(blocked.names, host)) {
        throw refuse(rawHost, 'is listed in connection_security.blocked_hosts.');
      }
      let addresses: string[];
      if (isIP(unmap(host))) addresses = [host];
      else {
        try {
          addresses = await resolve(host);
        } catch {
          return;
        }
      }
      const allowedByName = nameMatches(allowed.names, host);
      for (const raw of addresses) {
        const address = unmap(raw);
        const family = familyOf(address);
        const shown = address === host ? `is ${address}` : `resolves to ${address}`;
        if (blocked.addresses.check(address, family)) {
          throw refuse(rawHost, `${shown}, which connection_security.blocked_hosts lists.`);
        }
        const allowedExplicitly = allowedByName || allowed.addresses.check(address, family);
        if (policy.allowedHosts.length > 0 && !allowedExplicitly) {
          throw refuse(rawHost, `${shown}, which connection_security.allowed_hosts does not list.`);
        }
        if (allowedExplicitly) continue;
        if (metadata.check(address, family)) {
          throw refuse(
            rawHost,
            `${shown}, a link-local or cloud metadata address; pgmcp refuses those (list it in connection_security.allowed_hosts if it really is a database).`,
          );
        }
        if (!policy.allowInternalNetworks && internal.check(address, family)) {
          throw refuse(
            rawHost,
            `${shown}, an internal network address, and connection_security.allow_internal_networks is off.`,
          );
        }
      }
    },
  };
}
