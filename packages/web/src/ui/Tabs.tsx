import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useI18n } from '../i18n';

export interface TabDef {
  id: string;
  label: string;
}

/** WAI-ARIA tabs: arrow keys move between tabs (mirrored in RTL), Home/End jump. */
export function Tabs({
  tabs,
  active,
  onChange,
  label,
  children,
}: {
  tabs: TabDef[];
  active: string;
  onChange(id: string): void;
  label: string;
  children: ReactNode;
}) {
  const { dir } = useI18n();
  const base = useId();
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const onKey = (e: KeyboardEvent) => {
    const i = tabs.findIndex((x) => x.id === active);
    let next = -1;
    const fwd = dir === 'rtl' ? 'ArrowLeft' : 'ArrowRight';
    const back = dir === 'rtl' ? 'ArrowRight' : 'ArrowLeft';
    if (e.key === fwd) next = (i + 1) % tabs.length;
    else if (e.key === back) next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next >= 0) {
      e.preventDefault();
      const id = tabs[next]!.id;
      onChange(id);
      refs.current[id]?.focus();
    }
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tablist" onKeyDown={onKey}>
        {tabs.map((x) => (
          <button
            key={x.id}
            ref={(el) => {
              refs.current[x.id] = el;
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${x.id}`}
            aria-selected={x.id === active}
            aria-controls={`${base}-panel`}
            tabIndex={x.id === active ? 0 : -1}
            className={`tab${x.id === active ? ' tab-active' : ''}`}
            onClick={() => onChange(x.id)}
          >
            {x.label}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`${base}-panel`}
        aria-labelledby={`${base}-tab-${active}`}
        className="tabpanel"
      >
        {children}
      </div>
    </div>
  );
}
