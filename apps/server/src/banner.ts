import type { ConnectionInfo } from '@pgmcp/pool-manager';

/** What the ready banner describes. */
export interface BannerInfo {
  version: string;
  mcpUrl: string;
  connections: ConnectionInfo[];
  embedded?: { dataDir: string; version: string };
}

/** The text printed when the server is ready: where it is and ready-to-paste client setup. */
export function clientSetupText(info: BannerInfo): string {
  const { mcpUrl } = info;
  const connections = info.connections
    .map(
      (c) =>
        `    ${c.name}: ${c.host}:${c.port}/${c.database} as ${c.user}, ${c.allowWrites ? 'READ-WRITE' : 'read-only'}`,
    )
    .join('\n');
  const embedded = info.embedded
    ? `  Embedded PostgreSQL ${info.embedded.version}, data kept in ${info.embedded.dataDir}\n`
    : '';
  const desktopJson = JSON.stringify({
    mcpServers: { pgmcp: { command: 'npx', args: ['-y', 'mcp-remote', mcpUrl] } },
  });
  const cursorJson = JSON.stringify({ mcpServers: { pgmcp: { url: mcpUrl } } });
  const vscodeJson = JSON.stringify({ name: 'pgmcp', type: 'http', url: mcpUrl });
  return `
pgmcp ${info.version} is ready.

  MCP endpoint:  ${mcpUrl}
  Health:        ${mcpUrl.replace(/\/mcp\/v1$/, '/health')}
  Databases:
${connections}
${embedded}
Connect an MCP client:
  Claude Code:      claude mcp add --transport http pgmcp ${mcpUrl}
  Codex:            codex mcp add pgmcp --url ${mcpUrl}
  VS Code:          code --add-mcp '${vscodeJson}'
  Cursor (~/.cursor/mcp.json):
    ${cursorJson}
  Claude Desktop (claude_desktop_config.json):
    ${desktopJson}
  MCP Inspector:    npx @modelcontextprotocol/inspector --transport http --server-url ${mcpUrl}

Press Ctrl-C to stop.
`;
}
