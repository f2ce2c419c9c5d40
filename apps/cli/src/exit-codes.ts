/** Exit codes: 0 ok, 1 failure at run time, 2 bad usage or configuration, 130 interrupted at a prompt. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, INTERRUPTED: 130 } as const;
