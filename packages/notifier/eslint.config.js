import { createConfig } from '@pgmcp/eslint-config';

export default createConfig({ tsconfigRootDir: import.meta.dirname, kind: 'package' });
