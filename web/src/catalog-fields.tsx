import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

// Form fields of the catalog editor. Each is bound to one place of the draft document by its JSON
// pointer, shows the catalog validator's message for that place beside it (the server answers them
// with every save), and never turns an empty box into zero: what cannot be read stays in the box
// with a sentence saying what to type, and the draft keeps its last good value.

export type FieldMessages = ReadonlyMap<string, string>;

interface BaseProps {
  label: string;
  path: string;
  messages: FieldMessages;
  hint?: string;
}

function fieldIdOf(path: string, suffix: string): string {
  return `cf${path.replace(/[^A-Za-z0-9]/g, '-')}${suffix}`;
}

function Message({ id, text }: { id: string; text: string | undefined }) {
  return text ? (
    <p className="field-error" id={id}>
      {text}
    </p>
  ) : null;
}

/** A field's label, hint and error sentence around its control. */
function FieldFrame({
  label,
  path,
  messages,
  hint,
  localError,
  children,
}: BaseProps & { localError?: string | null; children: (props: ControlProps) => ReactNode }) {
  const unique = useId();
  const id = fieldIdOf(path, unique.replace(/:/g, ''));
  const error = localError ?? messages.get(path);
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {children({
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': described || undefined,
      })}
      <Message id={`${id}-error`} text={error} />
    </div>
  );
}

interface ControlProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

/** Dollars and cents typed as "35" or "35.00"; the draft holds integer cents. */
export function parseDollars(text: string): number | null {
  const trimmed = text.trim().replace(/^\$/, '').replace(/,/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return null;
  const [whole, fraction = ''] = trimmed.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

export function dollarsOf(cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(Math.abs(cents % 100)).padStart(2, '0')}`;
}

/** A text box bound to a value it parses; keeps what was typed until it reads, or the value changes elsewhere. */
function useParsedText<T>(
  value: T,
  format: (value: T) => string,
  parse: (text: string) => T | undefined,
  onChange: (value: T) => void,
): { text: string; unreadable: boolean; setText: (text: string) => void } {
  const [text, setTextState] = useState(() => format(value));
  const [unreadable, setUnreadable] = useState(false);
  const latest = useRef({ value, format, parse });
  latest.current = { value, format, parse };
  const valueKey = JSON.stringify(value);
  useEffect(() => {
    // The draft changed (here or elsewhere: the JSON view, a reload): show it, unless the box already
    // says it ("35.5" stays as typed when the draft holds 3550).
    const { value: current, format: show, parse: read } = latest.current;
    setTextState((typed) => {
      const parsed = read(typed);
      return parsed !== undefined && JSON.stringify(parsed) === valueKey ? typed : show(current);
    });
    setUnreadable(false);
  }, [valueKey]);
  return {
    text,
    unreadable,
    setText(next) {
      setTextState(next);
      const parsed = parse(next);
      setUnreadable(parsed === undefined);
      if (parsed !== undefined) onChange(parsed);
    },
  };
}

const formatMoney = (value: number | null) => (value === null ? '' : dollarsOf(value));

export function MoneyField({
  value,
  onChange,
  optional,
  ...base
}: BaseProps & { value: number | null; onChange: (cents: number | null) => void; optional?: boolean }) {
  const parse = (text: string) =>
    text.trim() === '' ? (optional ? null : undefined) : (parseDollars(text) ?? undefined);
  const box = useParsedText(value, formatMoney, parse, onChange);
  const localError = box.unreadable
    ? box.text.trim() === ''
      ? 'Enter an amount in dollars, e.g. 35.00.'
      : 'Type dollars and cents, e.g. 35.00.'
    : null;
  return (
    <FieldFrame {...base} localError={localError}>
      {(props) => (
        <input
          {...props}
          inputMode="decimal"
          value={box.text}
          onChange={(e) => box.setText(e.target.value)}
        />
      )}
    </FieldFrame>
  );
}

const formatWhole = (value: number | null) => (value === null ? '' : String(value));

export function NumberField({
  value,
  onChange,
  optional,
  decimals,
  ...base
}: BaseProps & {
  value: number | null;
  onChange: (value: number | null) => void;
  optional?: boolean;
  /** Hours may have a fraction; days and miles are whole. */
  decimals?: boolean;
}) {
  const parse = (text: string) => {
    const trimmed = text.trim().replace(/,/g, '');
    if (trimmed === '') return optional ? null : undefined;
    return (decimals ? /^\d+(\.\d+)?$/ : /^\d+$/).test(trimmed) ? Number(trimmed) : undefined;
  };
  const box = useParsedText(value, formatWhole, parse, onChange);
  const localError = box.unreadable
    ? box.text.trim() === ''
      ? 'Enter a number.'
      : decimals
        ? 'Type a number, e.g. 2.5.'
        : 'Type a whole number.'
    : null;
  return (
    <FieldFrame {...base} localError={localError}>
      {(props) => (
        <input
          {...props}
          inputMode={decimals ? 'decimal' : 'numeric'}
          value={box.text}
          onChange={(e) => box.setText(e.target.value)}
        />
      )}
    </FieldFrame>
  );
}

export function TextField({
  value,
  onChange,
  multiline,
  ...base
}: BaseProps & { value: string; onChange: (value: string) => void; multiline?: boolean }) {
  return (
    <FieldFrame {...base}>
      {(props) =>
        multiline ? (
          <textarea
            {...props}
            rows={3}
            value={value}
            onChange={(e) => onChange(e.target.value)}
            style={{ width: '100%', font: 'inherit', padding: '0.5rem' }}
          />
        ) : (
          <input {...props} value={value} onChange={(e) => onChange(e.target.value)} />
        )
      }
    </FieldFrame>
  );
}

export function SelectField<T extends string>({
  value,
  onChange,
  options,
  ...base
}: BaseProps & { value: T; onChange: (value: T) => void; options: readonly { value: T; label: string }[] }) {
  return (
    <FieldFrame {...base}>
      {(props) => (
        <select {...props} value={value} onChange={(e) => onChange(e.target.value as T)}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

export function CheckField({
  label,
  path,
  messages,
  checked,
  onChange,
}: BaseProps & { checked: boolean; onChange: (checked: boolean) => void }) {
  const unique = useId();
  const id = fieldIdOf(path, unique.replace(/:/g, ''));
  const error = messages.get(path);
  return (
    <div className="field field--checkbox">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
      <Message id={`${id}-error`} text={error} />
    </div>
  );
}

const formatMoneyList = (values: number[]) => values.map(dollarsOf).join(', ');

/** A list of amounts typed as "0, 100, 250". */
export function MoneyListField({
  value,
  onChange,
  ...base
}: BaseProps & { value: number[]; onChange: (value: number[]) => void }) {
  const parse = (text: string) => {
    const parts = text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    const cents = parts.map(parseDollars);
    return cents.some((c) => c === null) ? undefined : (cents as number[]);
  };
  const box = useParsedText(value, formatMoneyList, parse, onChange);
  return (
    <FieldFrame
      {...base}
      localError={box.unreadable ? 'Type amounts in dollars separated by commas, e.g. 0, 100, 250.' : null}
    >
      {(props) => (
        <input
          {...props}
          inputMode="decimal"
          value={box.text}
          onChange={(e) => box.setText(e.target.value)}
        />
      )}
    </FieldFrame>
  );
}
