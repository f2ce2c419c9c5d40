import { z } from 'zod';

/** Every REST error answer: `{"error":{"code","message"}}` (DESIGN.md §5). */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
