import { useSyncExternalStore } from 'react';

/** A tiny observable state holder: components subscribe to the slices they render. */
export interface Store<S> {
  get: () => S;
  /** Merges `patch` (or the patch a function returns) into the state and notifies subscribers. */
  set: (patch: Partial<S> | ((state: S) => Partial<S>)) => void;
  subscribe: (listener: () => void) => () => void;
}

/** Creates a {@link Store}. */
export function createStore<S extends object>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(patch) {
      const next = typeof patch === 'function' ? patch(state) : patch;
      state = { ...state, ...next };
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Reads one slice of a store and re-renders only when that slice changes (by reference), so a
 * streaming token updates the streaming bubble and nothing else.
 */
export function useStore<S, T>(store: Store<S>, select: (state: S) => T): T {
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.get()),
    () => select(store.get()),
  );
}
