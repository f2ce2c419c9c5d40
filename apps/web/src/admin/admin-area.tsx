import { useState } from 'react';
import { type AdminSectionProps, visibleSections } from './sections.js';

/**
 * The admin area: a list of sections on the left (those the caller may see) and the chosen one's
 * screen. Loaded in its own chunk, only when opened.
 */
export function AdminArea(props: AdminSectionProps) {
  const sections = visibleSections(props.me);
  const [activeId, setActiveId] = useState(sections[0]?.id);
  const active = sections.find((s) => s.id === activeId) ?? sections[0];
  if (!active) return <p className="muted pad">There is nothing here you may manage.</p>;
  return (
    <div className="admin-area">
      <nav className="admin-nav" aria-label="Admin sections">
        {sections.map((section) => (
          <button
            key={section.id}
            type="button"
            className="admin-nav-item"
            aria-current={section.id === active.id ? 'page' : undefined}
            onClick={() => setActiveId(section.id)}
          >
            {section.label}
          </button>
        ))}
      </nav>
      <div className="admin-section">
        <active.Component {...props} />
      </div>
    </div>
  );
}
