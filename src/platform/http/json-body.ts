// Request bodies in JSON: the nesting depth is bounded before the text is parsed, so that no code that
// walks a body (the NUL-character check, schema validation, idempotency hashing, audit data) can be
// driven into a stack overflow by a small body of brackets ("[" × 8000 is 16 KB).
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/errors.js';

/** Deeper than any body of the API (the catalog document, the deepest, nests 7 levels). */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether the JSON text nests arrays and objects deeper than `limit`, found by one pass over the
 * characters (brackets inside strings do not count). Malformed text is left for the parser to refuse.
 */
export function jsonNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c /* \ */) index++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) depth--;
  }
  return false;
}

/** Replaces Fastify's JSON body parser with one that refuses deep nesting before parsing. */
export function registerBoundedJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(
        new AppError(
          'validation_failed',
          `The JSON body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`,
        ),
        undefined,
      );
      return;
    }
    parse(request, text, done);
  });
}
