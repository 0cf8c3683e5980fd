// `npm run openapi`: writes the OpenAPI document generated from the route schemas to
// openapi/openapi.json, so that a change to the API shows up in review. A test fails when the
// checked-in file is out of date.
import fs from 'node:fs';
import { generateOpenApiDocument } from '../test/support/openapi-document.js';

const document = await generateOpenApiDocument();
fs.mkdirSync('openapi', { recursive: true });
fs.writeFileSync('openapi/openapi.json', `${JSON.stringify(document, null, 2)}\n`);
console.log(`openapi/openapi.json: ${Object.keys((document as { paths: object }).paths).length} paths`);
