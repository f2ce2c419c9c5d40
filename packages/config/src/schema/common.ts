import { z } from 'zod';

/** A TCP port of another server. */
export const port = z.number().int().min(1).max(65535);
/** A listening port; 0 lets the system pick a free one. */
export const listenPort = z.number().int().min(0).max(65535);
export const positiveInt = z.number().int().positive();
