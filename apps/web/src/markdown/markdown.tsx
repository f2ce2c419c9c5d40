import { lazy, Suspense } from 'react';

const loadView = () => import('./markdown-view.js').then((m) => ({ default: m.MarkdownView }));
const LazyMarkdownView = lazy(loadView);

/** Starts loading the markdown renderer early (after login), so the first answer renders at once. */
export function preloadMarkdown(): void {
  void loadView();
}

/** Markdown, rendered by a lazily loaded chunk; plain text shows until it has loaded. */
export function Markdown({ text }: { text: string }) {
  return (
    <Suspense fallback={<div className="markdown plain">{text}</div>}>
      <LazyMarkdownView text={text} />
    </Suspense>
  );
}
