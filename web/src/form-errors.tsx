import { type ReactNode, type RefObject, useLayoutEffect, useRef, useState } from 'react';
import { type FieldSentences, holderProblem, type Sentence, say } from './holder-messages.js';
import { t, useTranslation } from './i18n.js';

// A form's errors, every one at once: a sentence next to each field it is about (linked by
// aria-describedby), a summary of the rest above the form, and after each failed submission the first
// invalid field scrolled into view and focused, so a phone user lands on what to fix. The errors are
// kept as what they mean (a message key and its values, the failed request) and said when the form is
// rendered, so a holder who switches language with errors showing reads them in the new language.

/** The errors to show, per field: a `said(…)` message, a failed request, or words as they are. */
export type FieldErrors = Readonly<Record<string, Sentence>>;

export interface FormErrors {
  /** Each field's error in the page's language. */
  errors: Readonly<Record<string, string>>;
  /** The form-wide problem (not about one field), if any, in the page's language. */
  summary: string | null;
  formRef: RefObject<HTMLFormElement | null>;
  /** Shows these errors (replacing the last ones) and moves focus to the first. */
  show(errors: FieldErrors, summary?: Sentence | null): void;
  /** Shows an API failure: next to its field when it names one, else as the summary. */
  showProblem(error: unknown, sentences?: FieldSentences): void;
  clear(): void;
  /** The props that tie an input to its error sentence. */
  fieldProps(name: string, id: string): { 'aria-invalid'?: true; 'aria-describedby'?: string };
}

export function useFormErrors(): FormErrors {
  // A switch of language renders the form again, which says its errors in the new language.
  useTranslation();
  const [state, setState] = useState<{ errors: FieldErrors; summary: Sentence | null; round: number }>({
    errors: {},
    summary: null,
    round: 0,
  });
  const formRef = useRef<HTMLFormElement | null>(null);

  // A layout effect: focus lands in the commit that shows the errors (see focus.ts).
  useLayoutEffect(() => {
    if (state.round === 0) return;
    const form = formRef.current;
    if (!form) return;
    const first =
      form.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      form.querySelector<HTMLElement>('[data-form-summary]');
    if (!first) return;
    first.scrollIntoView({ block: 'center' });
    first.focus({ preventScroll: true });
  }, [state.round]);

  const show = (errors: FieldErrors, summary: Sentence | null = null) =>
    setState((previous) => ({ errors, summary, round: previous.round + 1 }));

  const errors: Record<string, string> = {};
  for (const [name, sentence] of Object.entries(state.errors)) errors[name] = say(sentence);

  return {
    errors,
    summary: state.summary === null ? null : say(state.summary),
    formRef,
    show,
    showProblem(error, sentences = {}) {
      // Which field the failure is about does not depend on the language; its words do, and are said
      // from the failure itself at each render.
      const { field } = holderProblem(error, sentences);
      const sentence: Sentence = { problem: error, sentences };
      if (field !== null && field in sentences) show({ [field]: sentence });
      else show({}, sentence);
    },
    clear: () => setState((previous) => ({ errors: {}, summary: null, round: previous.round })),
    fieldProps(name, id) {
      return state.errors[name] ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {};
    },
  };
}

/** The sentence under a field; its id is what fieldProps points aria-describedby at. */
export function FieldError({ id, message }: { id: string; message: string | undefined }): ReactNode {
  if (!message) return null;
  return (
    <p id={`${id}-error`} className="field-error">
      {message}
    </p>
  );
}

/** The form-wide problem, focusable so that it takes focus when no field is at fault. */
export function FormSummary({ form }: { form: FormErrors }): ReactNode {
  const count = Object.keys(form.errors).length;
  if (!form.summary && count === 0) return null;
  return (
    <div className="notice notice--error" role="alert" tabIndex={-1} data-form-summary="">
      {form.summary ?? (count === 1 ? t('form.checkOne') : t('form.checkMany', { count }))}
    </div>
  );
}
