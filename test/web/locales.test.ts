import { describe, expect, it } from 'vitest';
import en from '../../web/src/locales/en.json' with { type: 'json' };
import es from '../../web/src/locales/es.json' with { type: 'json' };

// Every message the holder pages say exists in both languages, and none is left empty.

type Messages = { [key: string]: string | Messages };

/** 'signIn.errors.zip' → its text, for every leaf. */
function flatten(messages: Messages, prefix = ''): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') flat.set(path, value);
    else for (const [inner, text] of flatten(value, path)) flat.set(inner, text);
  }
  return flat;
}

/** The {{placeholders}} a message interpolates, sorted. */
function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1] ?? '').sort();
}

describe('locale files', () => {
  const english = flatten(en as Messages);
  const spanish = flatten(es as Messages);

  it('have exactly the same keys', () => {
    expect([...spanish.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('have no empty message', () => {
    for (const [language, messages] of [
      ['en', english],
      ['es', spanish],
    ] as const) {
      const empty = [...messages].filter(([, text]) => text.trim() === '').map(([key]) => key);
      expect(empty, language).toEqual([]);
    }
  });

  it('interpolate the same placeholders in both languages', () => {
    for (const [key, text] of english)
      expect(placeholders(spanish.get(key) ?? ''), key).toEqual(placeholders(text));
  });
});
