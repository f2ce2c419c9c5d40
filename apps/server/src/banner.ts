import type { ConnectionInfo } from '@pgmcp/pool-manager';

/** What the ready banner describes. */
export interface BannerInfo {
  version: string;
  mcpUrl: string;
  connections: ConnectionInfo[];
  authEnabled: boolean;
  /** Whether the built web client is served at `/`. */
  webClient: boolean;
  /** The first admin's password when the server generated it (printed this once). */
  generatedAdmin?: { username: string; password: string };
  embedded?: { dataDir: string; version: string };
}

/** The text printed when the server is ready: where it is and ready-to-paste client setup. */
export function clientSetupText(info: BannerInfo): string {
  const { mcpUrl } = info;
  const base = mcpUrl.replace(/\/mcp\/v1$/, '');
  const connections = info.connections
    .map(
      (c) =>
        `    ${c.name}: ${c.host}:${c.port}/${c.database} as ${c.user}, ${c.allowWrites ? 'READ-WRITE' : 'read-only'}`,
    )
    .join('\n');
  const embedded = info.embedded
    ? `  Embedded PostgreSQL ${info.embedded.version}, data kept in ${info.embedded.dataDir}\n`
    : '';
  const token = info.authEnabled ? '<token>' : undefined;
  const header = token ? ` --header "Authorization: Bearer ${token}"` : '';
  const desktopArgs = [
    '-y',
    'mcp-remote',
    mcpUrl,
    ...(token ? ['--header', `Authorization: Bearer ${token}`] : []),
  ];
  const desktopJson = JSON.stringify({ mcpServers: { pgmcp: { command: 'npx', args: desktopArgs } } });
  const cursorJson = JSON.stringify({
    mcpServers: {
      pgmcp: { url: mcpUrl, ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}) },
    },
  });
  const vscodeJson = JSON.stringify({
    name: 'pgmcp',
    type: 'http',
    url: mcpUrl,
    ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
  });
  const admin = info.generatedAdmin
    ? `
  First start: created the superuser "${info.generatedAdmin.username}" with the password
      ${info.generatedAdmin.password}
  It is shown only now. Change it: pgmcp user passwd ${info.generatedAdmin.username}
`
    : '';
  const access = info.authEnabled
    ? `  Clients need a token: log in at ${base}/api/v1/auth/login, or create an API token with
    pgmcp token create --user <name> --note "my laptop"
  and put it where <token> stands below.
`
    : '  Authentication is OFF: anyone on this machine can use it without a token.\n';
  return `
pgmcp ${info.version} is ready.

${
  info.webClient
    ? `  Web client:    ${base}/   (chat and SQL console; log in as below)
`
    : ''
}  MCP endpoint:  ${mcpUrl}
  Health:        ${base}/health
  Databases:
${connections}
${embedded}${admin}
${access}
Connect an MCP client:
  Claude Code:      claude mcp add --transport http pgmcp ${mcpUrl}${header}
  Codex:            codex mcp add pgmcp --url ${mcpUrl}${token ? ` --bearer-token-env-var PGMCP_TOKEN` : ''}
  VS Code:          code --add-mcp '${vscodeJson}'
  Cursor (~/.cursor/mcp.json):
    ${cursorJson}
  Claude Desktop (claude_desktop_config.json):
    ${desktopJson}
  MCP Inspector:    npx @modelcontextprotocol/inspector --transport http --server-url ${mcpUrl}${header}

Press Ctrl-C to stop.
`;
}
