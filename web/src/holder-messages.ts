import { ApiError } from './api.js';

// What a holder reads when a request fails. The API's `detail` is written for developers when the
// request's shape is wrong ("lastName must NOT have fewer than 1 characters"), so shape errors become
// the form's own sentence for the field; business-rule refusals keep the API's sentence, which is
// written for the holder (a state rule, a claim number), and the rest get a sentence per code.

/** A form's sentence per field (by the API's `param`), said when that field is missing or malformed. */
export type FieldSentences = Readonly<Record<string, string>>;

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

const CODE_SENTENCES: Readonly<Record<string, string>> = {
  unauthenticated: 'Your session has ended. Sign in again to continue.',
  forbidden: 'This is not something you can do from this page.',
  csrf_token_invalid: 'This page was open too long. Reload it and try again.',
  too_many_attempts: 'Too many tries. Wait a few minutes, then try again.',
  unsupported_file_type:
    'That file is not a PDF, JPEG, PNG or HEIC picture. Choose a file in one of those formats.',
  file_too_large: 'That file is too large. Choose a smaller file, such as a photo of the receipt.',
  payload_too_large: 'That is more than we can take at once. Send smaller files.',
  malware_detected: 'Our virus check refused that file. Choose another copy of it.',
  network_error: 'Coverwise could not be reached. Check your connection and try again.',
  idempotency_request_in_progress: 'We are still working on your last request. Wait a moment.',
};

/** The field an API param names, as the form knows it: `expenses[0].amountCents` → `expenses`. */
function fieldOf(param: string | undefined, sentences: FieldSentences): string | null {
  if (!param) return null;
  if (param in sentences) return param;
  const head = param.split(/[.[]/)[0] ?? '';
  return head in sentences ? head : param;
}

export function holderProblem(error: unknown, sentences: FieldSentences = {}): HolderProblem {
  if (!(error instanceof ApiError))
    return { field: null, sentence: 'Something went wrong. Try again in a moment.' };
  const field = fieldOf(error.param, sentences);
  const fieldSentence = field ? sentences[field] : undefined;
  if (SHAPE_CODES.has(error.code))
    return {
      field,
      sentence: fieldSentence ?? 'Some of the details are not right. Check the form and try again.',
    };
  const codeSentence = CODE_SENTENCES[error.code];
  if (codeSentence) return { field, sentence: codeSentence };
  if (error.status >= 500 || error.status === 0 || error.code === 'http_error')
    return { field: null, sentence: 'That did not work on our side. Try again in a moment.' };
  // A business rule's own sentence (it names the rule, the state, the claim).
  return { field, sentence: error.detail };
}
