import react from '@vitejs/plugin-react';
import { createVitestConfig } from '@pgmcp/vitest-config';
import { defineConfig } from 'vitest/config';

// Component tests beside the components, in jsdom; the browser end-to-end suite has its own config.
const base = createVitestConfig({
  environment: 'jsdom',
  include: ['src/**/*.test.{ts,tsx}'],
  setupFiles: ['./src/test-setup.ts'],
});
export default defineConfig({ ...base, plugins: [react()] });
