// The OpenAPI document is what client generators and validating proxies read. Spectral's `spectral:oas`
// ruleset (the one Stoplight's CLI runs by default) finds nothing in it: every operation has an
// operationId (SDK method names), a description and a declared tag; the document names its servers
// and contact; public operations declare `security: []`.
import fs from 'node:fs';
import { Document, Spectral } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { expect, it } from 'vitest';

type OpenApi = {
  paths: Record<string, Record<string, { security?: unknown[]; operationId?: string }>>;
};

const text = fs.readFileSync('openapi/openapi.json', 'utf8');

it('has no Spectral (spectral:oas) errors or warnings', async () => {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [[oas as never, 'recommended']] });
  const results = await spectral.run(new Document(text, Json, 'openapi/openapi.json'));
  const findings = results.map((r) => `${r.code} ${r.path.join('.')}: ${r.message}`);
  expect(findings).toEqual([]);
});

it('declares the public operations public (security: [])', () => {
  const document = JSON.parse(text) as OpenApi;
  const operation = (path: string, method: string) => document.paths[path]?.[method];
  for (const [path, method] of [
    ['/api/v1/auth/login', 'post'],
    ['/api/v1/auth/holder-login', 'post'],
    ['/api/v1/gap-claims', 'post'],
    ['/api/v1/help', 'get'],
    ['/healthz', 'get'],
  ] as const) {
    expect(operation(path, method), `${method} ${path}`).toBeDefined();
    expect(operation(path, method)?.security, `${method} ${path}`).toEqual([]);
  }
  expect(operation('/api/v1/contracts', 'post')?.security).toBeUndefined();
});
