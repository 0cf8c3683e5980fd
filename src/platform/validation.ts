// Request validation. Bodies are validated strictly — no type coercion, so "100" is not a number of
// cents and unknown fields are refused — while querystrings and path parameters, which are always
// text on the wire, are coerced to the declared types.
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { schemasCompileEagerly } from './http/schema-compilation.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

const strictAjv = makeAjv(false);
const coercingAjv = makeAjv(true);

/**
 * Where the first NUL character (U+0000) sits in a request value, as a JSON pointer, or null. PostgreSQL
 * text and jsonb cannot hold it, so it is refused here, as the field's error, before any handler runs.
 * The walk is iterative (an explicit stack, depth-first in document order), so no depth of nesting can
 * overflow the call stack; JSON bodies are also bounded in depth before they are parsed (json-body.ts).
 */
export function nulCharacterPath(value: unknown): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? '' : null;
  if (!isJsonContainer(value)) return null;
  // Each frame: a container, its keys (null for an array), the next position, and the key that led to it.
  type Frame = { node: object; keys: string[] | null; next: number; via: string | number | null };
  const stack: Frame[] = [
    { node: value, keys: Array.isArray(value) ? null : Object.keys(value), next: 0, via: null },
  ];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const length = frame.keys === null ? (frame.node as unknown[]).length : frame.keys.length;
    if (frame.next >= length) {
      stack.pop();
      continue;
    }
    const key: string | number = frame.keys === null ? frame.next : frame.keys[frame.next]!;
    frame.next++;
    if (typeof key === 'string' && key.includes('\u0000')) return pointerOf(stack, key);
    const child = (frame.node as Record<string | number, unknown>)[key];
    if (typeof child === 'string') {
      if (child.includes('\u0000')) return pointerOf(stack, key);
    } else if (isJsonContainer(child)) {
      stack.push({ node: child, keys: Array.isArray(child) ? null : Object.keys(child), next: 0, via: key });
    }
  }
  return null;
}

/**
 * Whether the walk goes into a value: an array or a plain object, as parsed JSON and query strings are.
 * A query string's object has a prototype of its own whose prototype is null (fast-querystring's
 * `Empty`), so that counts as plain too. A body handed to its route as a stream (text/csv) is neither:
 * its object graph (socket, parser, …) is cyclic, and walking it never ended (each lap pushed more
 * frames, until the heap ran out).
 */
function isJsonContainer(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null || Object.getPrototypeOf(prototype) === null;
}

/** The JSON pointer of `last` below the containers on the stack (built only for a hit). */
function pointerOf(stack: { via: string | number | null }[], last: string | number): string {
  const keys = [...stack.slice(1).map((frame) => frame.via!), last];
  return keys.map((key) => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * The validator of a route's schema part: the NUL walk, then ajv. The schema is compiled by ajv at the
 * first request that needs it, not when the app starts: most routes of a process are called rarely or
 * never, and compiling them all at start cost CPU and heap in every process for nothing.
 */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
  let compiled: Validate | undefined = schemasCompileEagerly()
    ? (ajv.compile(schema) as Validate)
    : undefined;
  const validate: Validate = (data) => {
    const nulAt = nulCharacterPath(data);
    if (nulAt !== null) {
      validate.errors = [
        {
          instancePath: nulAt,
          schemaPath: '#',
          keyword: 'nulCharacter',
          params: {},
          message: 'must not contain the NUL character (U+0000)',
        },
      ];
      return false;
    }
    compiled ??= ajv.compile(schema) as Validate;
    const schemaValidate = compiled;
    const valid = schemaValidate(data);
    validate.errors = schemaValidate.errors ?? null;
    return valid;
  };
  return validate as ReturnType<FastifySchemaCompiler<object>>;
};

/**
 * The strict body validator of `schema` alone, without the NUL walk of validatorCompiler: for a caller
 * that has looked for NUL characters in the text the value was made of (the dealer-file import, for
 * every row) and uses validatorCompiler's validator where it found one.
 */
export function compileBodySchema(schema: object): Validate {
  return strictAjv.compile(schema) as Validate;
}

/** The field an ajv error is about, as a dotted path a client can show next to its input. */
/** Text with something in it besides spaces (a pattern of request schemas: NonBlankText). */
export const NON_BLANK_PATTERN = '\\S';
/** A phone number: at least seven digits, with any spaces, dashes, dots, parentheses or + between. */
export const PHONE_PATTERN = '^\\D*(\\d\\D*){7,}$';
/** What a refused pattern means, said to the caller instead of the pattern itself. */
const PATTERN_WORDS: Record<string, string> = {
  [NON_BLANK_PATTERN]: 'must not be blank',
  [PHONE_PATTERN]: 'must be a phone number with at least 7 digits',
};

/**
 * The request field a schema error is about, as a JSON path (`lines[0].laborHours`, as docs/api.md says
 * `param` is, and as the services name fields): an array position in brackets, a property after a dot.
 */
export function paramOf(error: ErrorObject): string | undefined {
  const base = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => {
      if (/^\d+$/.test(segment)) return `${path}[${segment}]`;
      return path ? `${path}.${segment}` : segment;
    }, '');
  const extra =
    error.keyword === 'required'
      ? (error.params as { missingProperty: string }).missingProperty
      : error.keyword === 'additionalProperties'
        ? (error.params as { additionalProperty: string }).additionalProperty
        : undefined;
  const full = [base, extra].filter(Boolean).join('.');
  return full || undefined;
}

export function describeValidationError(error: ErrorObject, context: string): string {
  const param = paramOf(error);
  const where = param ? `${param}` : context;
  switch (error.keyword) {
    case 'required':
      return `${where} is required.`;
    case 'additionalProperties':
      return `${where} is not a field of this request.`;
    case 'type':
      return `${where} must be ${(error.params as { type: string }).type === 'integer' ? 'a whole number' : `of type ${(error.params as { type: string }).type}`}.`;
    case 'enum':
      return `${where} must be one of: ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}.`;
    case 'pattern': {
      const said = PATTERN_WORDS[(error.params as { pattern: string }).pattern];
      return said ? `${where} ${said}.` : `${where} ${error.message ?? 'is not valid'}.`;
    }
    default:
      return `${where} ${error.message ?? 'is not valid'}.`;
  }
}
