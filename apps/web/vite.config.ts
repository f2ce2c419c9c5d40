import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `pnpm dev` forwards API, MCP and health calls: a pgmcp server started separately. */
const server = process.env.PGMCP_DEV_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['@pgmcp/source', 'module', 'browser', 'development|production'] },
  build: {
    // The manifest lets scripts/bundle-size.mjs find what the first page loads.
    manifest: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      '/api': { target: server },
      '/mcp': { target: server },
      '/health': { target: server },
    },
  },
});
