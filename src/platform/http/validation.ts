// Request validation. Bodies are validated strictly — no type coercion, so "100" is not a number of
// cents and unknown fields are refused — while querystrings and path parameters, which are always
// text on the wire, are coerced to the declared types.
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

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
 */
export function nulCharacterPath(value: unknown): string | null {
  const found = nulCharacterKeys(value);
  if (found === null) return null;
  // The pointer is built only for a hit: this runs on every request and every imported row.
  return found
    .reverse()
    .map((key) => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`)
    .join('');
}

/** The keys leading to the first NUL character, innermost first; [] for the value itself. */
function nulCharacterKeys(value: unknown): (string | number)[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? [] : null;
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = nulCharacterKeys(value[index]);
      if (found !== null) {
        found.push(index);
        return found;
      }
    }
    return null;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key.includes('\u0000')) return [key];
    const found = nulCharacterKeys((value as Record<string, unknown>)[key]);
    if (found !== null) {
      found.push(key);
      return found;
    }
  }
  return null;
}

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
  const schemaValidate = ajv.compile(schema) as Validate;
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
    const valid = schemaValidate(data);
    validate.errors = schemaValidate.errors ?? null;
    return valid;
  };
  return validate as ReturnType<FastifySchemaCompiler<object>>;
};

/** The field an ajv error is about, as a dotted path a client can show next to its input. */
export function paramOf(error: ErrorObject): string | undefined {
  const base = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
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
    default:
      return `${where} ${error.message ?? 'is not valid'}.`;
  }
}
