import { describe, expect, it } from 'vitest';
import { acceptsHtml } from './web-app.js';

describe('acceptsHtml (which clients get the web app page rather than a JSON 404)', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['*/*', true],
    ['text/*', true],
    ['TEXT/HTML', true],
    ['application/json', false],
    ['application/problem+json, application/json;q=0.9', false],
    ['image/png', false],
  ])('Accept %j → %s', (accept, expected) => {
    expect(acceptsHtml(accept)).toBe(expected);
  });
});
