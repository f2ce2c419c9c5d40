import { describe, expect, it } from 'vitest';
import { createHostGuard, type HostPolicy } from './host-guard.js';

const DNS: Record<string, string[]> = {
  'metadata.example': ['169.254.169.254'],
  'mapped.example': ['::ffff:169.254.169.254'],
  'db.example': ['10.0.0.5'],
  'public.example': ['93.184.216.34'],
  'loop.example': ['127.0.0.1'],
};
const resolve = (host: string) =>
  DNS[host] ? Promise.resolve(DNS[host]) : Promise.reject(new Error(`ENOTFOUND ${host}`));

const guard = (policy: Partial<HostPolicy> = {}) =>
  createHostGuard({ allowedHosts: [], blockedHosts: [], allowInternalNetworks: true, ...policy }, resolve);

async function refusal(check: Promise<void>): Promise<string | undefined> {
  try {
    await check;
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the SSRF guard of stored connections', () => {
  it('by default refuses link-local and metadata addresses, after resolving names, and allows the rest', async () => {
    const g = guard();
    expect(await refusal(g.check('169.254.169.254'))).toMatch(/^host: "169\.254\.169\.254" is .*metadata/);
    expect(await refusal(g.check('metadata.example'))).toMatch(/resolves to 169\.254\.169\.254/);
    expect(await refusal(g.check('mapped.example'))).toMatch(/resolves to 169\.254\.169\.254/);
    expect(await refusal(g.check('fd00:ec2::254'))).toMatch(/metadata/);
    expect(await refusal(g.check('[fe80::1]'))).toMatch(/link-local/);
    for (const ok of [
      '127.0.0.1',
      '::1',
      'localhost.invalid',
      'db.example',
      'public.example',
      'loop.example',
    ]) {
      expect(await refusal(g.check(ok)), ok).toBeUndefined();
    }
  });

  it('blocked_hosts narrows by name pattern or address range; allow_internal_networks off refuses private and loopback', async () => {
    const g = guard({ blockedHosts: ['*.example', '93.184.0.0/16'] });
    expect(await refusal(g.check('db.example'))).toMatch(/blocked_hosts/);
    expect(await refusal(g.check('93.184.216.34'))).toMatch(/blocked_hosts/);
    const closed = guard({ allowInternalNetworks: false });
    expect(await refusal(closed.check('db.example'))).toMatch(/internal network address/);
    expect(await refusal(closed.check('127.0.0.1'))).toMatch(/allow_internal_networks is off/);
    expect(await refusal(closed.check('public.example'))).toBeUndefined();
  });

  it('allowed_hosts, when set, admits only what it lists, and may admit a link-local address', async () => {
    const g = guard({ allowedHosts: ['db.example', '169.254.10.0/24'] });
    expect(await refusal(g.check('db.example'))).toBeUndefined();
    expect(await refusal(g.check('169.254.10.7'))).toBeUndefined();
    expect(await refusal(g.check('public.example'))).toMatch(/allowed_hosts does not list/);
    expect(await refusal(g.check('169.254.169.254'))).toMatch(/allowed_hosts does not list/);
  });
});
