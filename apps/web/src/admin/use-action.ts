import { useCallback, useState } from 'react';
import { errorMessage } from '../api/error-message.js';

/** What {@link useAction} gives a screen: run work, and the server's message if it failed. */
export interface Action {
  busy: boolean;
  /** The last failure's message (the API names the field), until the next run. */
  error: string | undefined;
  /** Runs `work`; resolves true when it succeeded. */
  run: (work: () => Promise<void>) => Promise<boolean>;
}

/** Busy flag and inline error for an admin form or list. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      return true;
    } catch (caught) {
      setError(errorMessage(caught));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}
