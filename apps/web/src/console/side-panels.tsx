import type { ReactNode } from 'react';
import type { McpSession } from '../mcp/mcp-session.js';
import type { Catalog } from './catalog.js';
import { SchemaPanel } from './schema-panel.js';
import type { TableInfo } from './schema-browser.js';

/** What a side panel of the workbench can use. */
export interface SidePanelContext {
  callTool: McpSession['callTool'];
  connection: string | undefined;
  /** Puts text at the editor's cursor. */
  insert: (text: string) => void;
  /** Opens SQL in a new editor tab (and runs it when asked). */
  openInTab: (sql: string, options?: { run?: boolean; name?: string }) => void;
  catalog: Catalog | undefined;
  catalogError: string | undefined;
  loadColumns: (table: TableInfo) => void;
}

/** One tab of the side area beside the editor. */
export interface SidePanel {
  id: string;
  label: string;
  render: (context: SidePanelContext) => ReactNode;
}

/**
 * The side area's panels, in tab order. Query history and saved queries mount here as further
 * entries (history-panel.tsx, saved-queries-panel.tsx), each getting the same context.
 */
export const SIDE_PANELS: readonly SidePanel[] = [
  {
    id: 'schema',
    label: 'Schema',
    render: (c) => (
      <SchemaPanel
        catalog={c.catalog}
        error={c.catalogError}
        onInsert={c.insert}
        onRunQuery={(sql) => c.openInTab(sql, { run: true })}
        onNeedColumns={c.loadColumns}
      />
    ),
  },
];
