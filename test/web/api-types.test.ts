import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiTypesPath, generateApiTypes, generateApiTypesFromFile } from '../../scripts/api-types.js';

// The web app's API types are generated from the checked-in OpenAPI document (`npm run openapi`),
// never written by hand: a change to the API that was not regenerated fails here, not in a browser.

describe('web/src/api-types.ts', () => {
  it('is what openapi-typescript generates from openapi/openapi.json now', async () => {
    const expected = await generateApiTypesFromFile();
    const checkedIn = fs.readFileSync(apiTypesPath, 'utf8');
    // Compared line by line so a failure names the first difference; the fix is `npm run openapi`.
    expect(checkedIn.split('\n')).toEqual(expected.split('\n'));
  });

  it('changes when the document does (the check is not vacuous)', async () => {
    const document = JSON.parse(fs.readFileSync('openapi/openapi.json', 'utf8')) as {
      paths: Record<string, unknown>;
    };
    const [firstPath] = Object.keys(document.paths);
    expect(firstPath).toBeDefined();
    const renamed = {
      ...document,
      paths: { '/api/v1/renamed-for-the-test': document.paths[firstPath ?? ''] },
    };
    const generated = await generateApiTypes(renamed);
    expect(generated).toContain('"/api/v1/renamed-for-the-test"');
    expect(generated).not.toEqual(await generateApiTypesFromFile());
  });
});
