import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// Lazy chunks (workspace, markdown, console) are transformed on first use, which takes a while on a busy machine.
configure({ asyncUtilTimeout: 8_000 });

// Testing Library unmounts after each test only when the test runner exposes globals; vitest does not.
afterEach(() => cleanup());
