import type { KeyboardEvent } from 'react';

// What every queue list shares (issue 19, keyboard-friendly lists): labelled filter and sort controls,
// and arrow keys that move between rows (each row's first link takes focus; Enter opens it).

export interface ListOption {
  value: string;
  label: string;
}

export interface ListControl {
  id: string;
  label: string;
  value: string;
  options: readonly ListOption[];
  onChange: (value: string) => void;
}

/** Filter and sort selects in one row; each is a labelled native select (keyboard works as is). */
export function ListControls({ controls, label }: { controls: readonly ListControl[]; label: string }) {
  return (
    <fieldset className="list-controls">
      <legend>{label}</legend>
      {controls.map((control) => (
        <div key={control.id} className="list-controls__field">
          <label htmlFor={control.id}>{control.label}</label>
          <select
            id={control.id}
            value={control.value}
            onChange={(event) => control.onChange(event.target.value)}
          >
            {control.options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      ))}
    </fieldset>
  );
}

/**
 * Arrow Up/Down (and Home/End) on a table body move focus to the first link of the previous/next row,
 * so a long queue is walked without tabbing through every cell.
 */
export function onRowKeys(event: KeyboardEvent<HTMLTableSectionElement>): void {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return;
  const rows = [...event.currentTarget.querySelectorAll('tr')];
  const links = rows.map((row) => row.querySelector<HTMLElement>('a[href], button'));
  const current = rows.findIndex((row) => row.contains(document.activeElement));
  if (current < 0) return;
  const next =
    event.key === 'Home'
      ? 0
      : event.key === 'End'
        ? rows.length - 1
        : Math.min(rows.length - 1, Math.max(0, current + (event.key === 'ArrowDown' ? 1 : -1)));
  const target = links[next];
  if (target) {
    event.preventDefault();
    target.focus();
  }
}

/** Sorts a copy of the loaded rows by the chosen key (the server's order when the key is ''). */
export function sortRows<T>(rows: readonly T[], key: string, keys: Record<string, (row: T) => string>): T[] {
  const pick = keys[key];
  if (!pick) return [...rows];
  return [...rows].sort((a, b) => pick(a).localeCompare(pick(b)));
}
