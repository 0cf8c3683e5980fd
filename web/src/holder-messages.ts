import { ApiError } from './api.js';
import { i18next, t } from './i18n.js';

// What a holder reads when a request fails. The API's `detail` is written for developers when the
// request's shape is wrong ("lastName must NOT have fewer than 1 characters"), so shape errors become
// the form's own sentence for the field; business-rule refusals keep the API's sentence, which is
// written for the holder (a state rule, a claim number), and the rest get a sentence per code. The API
// writes its sentences in English: on a page in another language a refusal is said by its code
// (errors.rule.<code>) when the locale files know it.

/**
 * Something to tell the reader, kept as what it means: a message of the locale files with its values
 * (`said`), a failed request with the form's field sentences (`{ problem }`), or words as they are (the
 * server's, a person's, a staff page's English). `say` puts it into the page's language when it is
 * rendered, so an error already on the screen follows a switch of language; a string translated when
 * the error was shown would stay in the language it was shown in.
 */
export type Sentence =
  | string
  | { readonly key: string; readonly values?: Readonly<Record<string, string | number>> }
  | { readonly problem: unknown; readonly sentences?: FieldSentences }
  /** Sentences said one after the other. */
  | readonly Sentence[];

/** A form's sentence per field (by the API's `param`), said when that field is missing or malformed. */
export type FieldSentences = Readonly<Record<string, Sentence>>;

/** The locale message `key` with its values, said in the page's language each time it is shown. */
export function said(key: string, values?: Readonly<Record<string, string | number>>): Sentence {
  return values === undefined ? { key } : { key, values };
}

// Array.isArray does not narrow a readonly array type out of a union.
function isSentenceList(sentence: Sentence): sentence is readonly Sentence[] {
  return Array.isArray(sentence);
}

/** The sentence in the page's language now. */
export function say(sentence: Sentence): string {
  if (typeof sentence === 'string') return sentence;
  if (isSentenceList(sentence)) return sentence.map(say).join(' ');
  if ('key' in sentence) return t(sentence.key, { ...sentence.values });
  return holderProblem(sentence.problem, sentence.sentences).sentence;
}

export interface HolderProblem {
  /** The field to put the sentence next to, when the problem is about one. */
  field: string | null;
  sentence: string;
}

const SHAPE_CODES = new Set([
  'validation_failed',
  'malformed_json',
  'invalid_date',
  'invalid_zip',
  'invalid_vin',
]);

// The sentences are in the locale files (errors.<code>), in the holder's language.
const SENTENCE_CODES = new Set([
  'unauthenticated',
  'forbidden',
  'csrf_token_invalid',
  'too_many_attempts',
  'unsupported_file_type',
  'file_too_large',
  'payload_too_large',
  'malware_detected',
  'network_error',
  'idempotency_request_in_progress',
]);

/** The field an API param names, as the form knows it: `expenses[0].amountCents` → `expenses`. */
function fieldOf(param: string | undefined, sentences: FieldSentences): string | null {
  if (!param) return null;
  if (param in sentences) return param;
  const head = param.split(/[.[]/)[0] ?? '';
  return head in sentences ? head : param;
}

export function holderProblem(error: unknown, sentences: FieldSentences = {}): HolderProblem {
  if (!(error instanceof ApiError)) return { field: null, sentence: t('errors.generic') };
  const field = fieldOf(error.param, sentences);
  const kept = field ? sentences[field] : undefined;
  const fieldSentence = kept === undefined ? undefined : say(kept);
  if (SHAPE_CODES.has(error.code))
    return {
      field,
      sentence: fieldSentence ?? t('errors.shape'),
    };
  if (SENTENCE_CODES.has(error.code)) return { field, sentence: t(`errors.${error.code}`) };
  if (error.status >= 500 || error.status === 0 || error.code === 'http_error')
    return { field: null, sentence: t('errors.server') };
  // A business rule's own sentence (it names the rule, the state, the claim), or in another language
  // the locale's sentence for the rule.
  if (i18next.language !== 'en' && i18next.exists(`errors.rule.${error.code}`))
    return { field, sentence: t(`errors.rule.${error.code}`) };
  return { field, sentence: error.detail };
}
