// The client's API types are generated from the server's OpenAPI document
// (`src/api/openapi.json`, itself checked against the server by the
// server's `openapi_document` test). This fails when the committed types
// are not what the generator makes of the committed document: run
// `npm run api:types` after blessing the document.

import { readFileSync } from 'node:fs';
import openapiTS from 'openapi-typescript';
import { describe, expect, it } from 'vitest';

describe('generated API types', () => {
  it('are fresh', async () => {
    const document = JSON.parse(readFileSync(new URL('../src/api/openapi.json', import.meta.url), 'utf8'));
    const generated = await openapiTS(document);
    const committed = readFileSync(new URL('../src/api/schema.d.ts', import.meta.url), 'utf8');
    expect(committed === generated, 'src/api/schema.d.ts is stale: run `npm run api:types` in web/').toBe(true);
  });

  it('describe every command answer with its typed result', async () => {
    const document = JSON.parse(readFileSync(new URL('../src/api/openapi.json', import.meta.url), 'utf8'));
    const answer = document.components.schemas.CommandResponse;
    expect(Object.keys(answer.properties).sort()).toEqual(['end_seq', 'events', 'first_seq', 'replayed', 'result']);
  });
});
