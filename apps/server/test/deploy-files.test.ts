import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '@pgmcp/config';

// The deployment files agree with each other and with the server: compose service names and
// ports with nginx's upstreams, nginx's address with the replicas' trusted proxies, secrets only
// from files, the images' user, health check and slim runtime. (No Docker daemon here: the images
// themselves are not built by this test.)

const docker = path.join(import.meta.dirname, '../../../docker');
const read = (file: string) => readFileSync(path.join(docker, file), 'utf8');

interface Service {
  image?: string;
  read_only?: boolean;
  user?: string;
  environment?: Record<string, string>;
  secrets?: string[];
  volumes?: string[];
  ports?: string[];
  networks?: Record<string, { ipv4_address?: string }> | string[];
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
};
const nginx = read('nginx.conf');

describe('docker/docker-compose.yml', () => {
  const replicas = ['pgmcp-1', 'pgmcp-2'].map((name) => [name, compose.services[name]!] as const);

  it('runs two read-only replicas as UID 1001 with secrets from files only', () => {
    for (const [name, service] of replicas) {
      expect(service, name).toMatchObject({ read_only: true, user: '1001:1001' });
      const env = service.environment ?? {};
      for (const secret of ['PGMCP_STORE_URL', 'PGMCP_DATABASE_URL', 'PGMCP_ADMIN_PASSWORD']) {
        expect(env[secret], `${name} ${secret}`).toBeUndefined();
        const file = env[`${secret}_FILE`];
        expect(file, `${name} ${secret}_FILE`).toMatch(/^\/run\/secrets\//);
        expect(service.secrets).toContain(path.basename(file!));
      }
      expect(service.volumes?.some((v) => v.endsWith(':/data'))).toBe(true);
    }
    for (const secret of Object.values(compose.secrets)) expect(secret.file).toMatch(/^\.\/secrets\//);
  });

  it('matches nginx: its upstreams are the replica services, its port the published one', () => {
    for (const [name] of replicas) expect(nginx).toContain(`server ${name}:8080 `);
    expect(nginx).toContain('listen 8081;');
    expect(compose.services.web!.ports).toEqual(['8081:8081']);
  });

  it('trusts exactly nginx’s fixed address for X-Forwarded-For, in a config the server accepts', () => {
    const networks = compose.services.web!.networks as Record<string, { ipv4_address: string }>;
    const nginxAddress = networks.pgmcp!.ipv4_address;
    const loaded = loadConfig({}, { PGMCP_CONFIG: path.join(docker, 'pgmcp.yaml') }, docker);
    expect(loaded.config.auth.trusted_proxies).toEqual([nginxAddress]);
    expect(nginx).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
  });
});

describe('docker/Dockerfile.server and Dockerfile.web', () => {
  const server = read('Dockerfile.server');
  const web = read('Dockerfile.web');
  const finalStage = (file: string) => file.slice(file.lastIndexOf('\nFROM '));

  it('build in stages into a slim runtime without dev dependencies, as UID 1001, checking /health', () => {
    expect(server).toContain('pnpm --filter @pgmcp/server deploy --prod');
    const runtime = finalStage(server);
    expect(runtime).toMatch(/^\nFROM node:20-bookworm-slim\n/);
    expect(runtime).not.toMatch(/pnpm install|apt-get|build-essential/);
    expect(runtime).toContain('USER 1001:1001');
    expect(runtime).toMatch(/HEALTHCHECK[^\n]*\n[^\n]*\/health/);
    expect(runtime).toContain('VOLUME ["/data"]');
  });

  it('serve the web client with docker/nginx.conf as an unprivileged user', () => {
    const runtime = finalStage(web);
    expect(runtime).toContain('COPY docker/nginx.conf /etc/nginx/nginx.conf');
    expect(runtime).toMatch(/USER 101:101/);
  });
});
