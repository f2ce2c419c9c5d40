import { type FormEvent, useState } from 'react';

/**
 * A create form's draft: `set` one field, `submit` hands the draft to `onCreate` and empties the
 * form when it succeeded (a refusal keeps what was typed).
 */
export function useDraft<Draft extends object>(
  empty: Draft,
  onCreate: (draft: Draft) => Promise<boolean>,
): {
  draft: Draft;
  set: <K extends keyof Draft>(key: K, value: Draft[K]) => void;
  submit: (event: FormEvent) => void;
} {
  const [draft, setDraft] = useState(empty);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void onCreate(draft).then((ok) => ok && setDraft(empty));
  };
  return { draft, set, submit };
}
