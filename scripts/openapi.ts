// `npm run openapi`: writes the OpenAPI document generated from the route schemas to
// openapi/openapi.json, so that a change to the API shows up in review, and the web app's API
// types generated from it (openapi-typescript) to web/src/api-types.ts. Tests fail when either
// checked-in file is out of date.
import fs from 'node:fs';
import { generateOpenApiDocument } from '../test/support/openapi-document.js';
import { apiTypesPath, generateApiTypes, openApiDocumentPath } from './api-types.js';

const document = await generateOpenApiDocument();
fs.mkdirSync('openapi', { recursive: true });
fs.writeFileSync(openApiDocumentPath, `${JSON.stringify(document, null, 2)}\n`);
console.log(`${openApiDocumentPath}: ${Object.keys((document as { paths: object }).paths).length} paths`);
// Generated from the file just written, exactly as test/web/api-types.test.ts generates it.
fs.writeFileSync(
  apiTypesPath,
  await generateApiTypes(JSON.parse(fs.readFileSync(openApiDocumentPath, 'utf8'))),
);
console.log(`${apiTypesPath}: the web app's API types`);
