import fs from 'node:fs';
import { expect, it } from 'vitest';
import { generateOpenApiDocument } from '../../../test/support/openapi-document.js';

it('keeps the checked-in openapi/openapi.json in step with the routes (run `npm run openapi`)', async () => {
  const generated = JSON.parse(JSON.stringify(await generateOpenApiDocument()));
  const checkedIn = JSON.parse(fs.readFileSync('openapi/openapi.json', 'utf8'));
  expect(checkedIn).toEqual(generated);
});
