// Hostile input, property-based. A schema-driven fuzzer (test/support/schema-fuzz.ts, in the manner of
// Schemathesis) sends every operation of the served OpenAPI document requests built from its own
// schemas, valid and then mutated at one place (wrong types, bounds ± 1, huge and deeply nested values,
// dates at the edges of the calendar, unicode, unknown and missing fields, ids that are not ids), as
// every kind of caller. The property: no 5xx; every refusal is problem+json with a code of the closed
// list and its status; every API answer is no-store; and a refused request leaves every table as it was.
// CSV imports and multipart uploads (truncated, mis-bounded, polyglot) have sweeps of their own.
//
// The seed is fixed (FUZZ_SEED to change it) and CI runs FUZZ_RUNS=12 requests per operation (about
// 800 per engine); FUZZ_RUNS=200 npx vitest run test/security/fuzz.test.ts runs a larger sweep.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHART_IDS } from '../../src/dashboard/dashboard.js';
import { DEMO_HOLDERS } from '../../src/demo/demo-contracts.js';
import { FakeClock } from '../../src/platform/clock.js';
import { ERROR_STATUS } from '../../src/platform/http/errors.js';
import { routeTableOf } from '../../src/platform/http/http-server.js';
import type { Access } from '../../src/platform/http/principal.js';
import { describeEachEngine } from '../support/engines.js';
import {
  asText,
  encodeText,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  SchemaFuzzer,
  toJsonText,
} from '../support/schema-fuzz.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { multipart, PDF } from './multipart.js';

const clock = new FakeClock('2026-11-25T15:00:00Z');
const RUNS_PER_ENDPOINT = 30;
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_204);
const CALLERS = ['anonymous', 'holder', 'admin', 'adjuster', 'reviewer', 'repair_facility'] as const;
type Caller = (typeof CALLERS)[number];
/** Operations the fuzzer leaves alone: signing out would revoke the fuzzer's own sessions. */
const NOT_FUZZED = new Set(['POST /api/v1/auth/logout']);
/** The table whose ids fill a path's {id}, by the path segment before it. */
const ID_TABLES: Record<string, string> = {
  contracts: 'contracts',
  imports: 'contract_imports',
  'repair-claims': 'repair_claims',
  'roadside-requests': 'roadside_requests',
  'rental-claims': 'rental_claims',
  'trip-interruption-claims': 'trip_interruption_claims',
  transfers: 'transfers',
  'gap-claims': 'gap_claims',
  documents: 'documents',
  webhooks: 'webhook_endpoints',
};
// The operations, from the checked-in document (it is kept equal to the served one by openapi.test.ts,
// and the first test below checks it again); the schemas come from the served document.
const CHECKED_IN = JSON.parse(
  fs.readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'),
) as OpenApiDocument;
const FUZZED_OPERATIONS = operationsOf(CHECKED_IN)
  .filter((operation) => operation.path.startsWith('/api/'))
  .filter((operation) => !NOT_FUZZED.has(`${operation.method} ${operation.path}`))
  .map((operation) => `${operation.method} ${operation.path}`);
const HOLDER = DEMO_HOLDERS.find((holder) => holder.situation.includes('GAP'))!;
/** Tables whose rows a refused request may legitimately add: throttle counters and sessions. */
const VOLATILE_TABLES = new Set(['rate_limits', 'sessions', 'kysely_migration', 'kysely_migration_lock']);
/** Audit events a refusal itself records on purpose (a wrong two-step code); not counted as a change. */
const REFUSAL_AUDIT_ACTIONS = ['mfa.code_failed'];

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  const?: unknown;
  format?: string;
  $ref?: string;
};

const HUGE = 'Ω'.repeat(20_000);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    -1,
    -0,
    0,
    -100_000_000,
    2 ** 31,
    2 ** 53,
    Number.MAX_SAFE_INTEGER + 2,
    1e308,
    -1e308,
    0.005,
    '',
    ' ',
    HUGE,
    '2026-02-30',
    '2026-13-01',
    '0000-00-00',
    '9999-12-31',
    '1900-01-01T25:61:00Z',
    '../../etc/passwd',
    "'; drop table contracts; --",
    '<script>alert(1)</script>',
    '\u0000\u202e\ud83d\ude97',
    '𝕍𝕀ℕ𝟙𝟚𝟛',
    true,
    [],
    {},
    { __proto__: { admin: true } },
    '00000000-0000-0000-0000-000000000000',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

function resolve(schema: Schema, components: Record<string, Schema>): Schema {
  if (schema.$ref) return components[schema.$ref.split('/').pop()!] ?? {};
  return schema;
}

/** A value that fits the schema's shape, so that the hostile field is the one a handler must judge. */
function plausible(raw: Schema, components: Record<string, Schema>, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(raw, components);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map((option) => plausible(option, components, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object' || schema.properties) return shaped(schema, components, depth + 1, false);
  if (type === 'array')
    return depth > 4
      ? fc.constant([])
      : fc.array(plausible(schema.items ?? {}, components, depth + 1), { maxLength: 3 });
  if (type === 'integer')
    return fc.oneof(
      fc.integer({ min: 0, max: 200_000 }),
      fc.constantFrom(-1, -50_000, 2 ** 31, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
    );
  if (type === 'number') return fc.double({ min: 0, max: 1000, noNaN: true });
  if (type === 'boolean') return fc.boolean();
  if (schema.format === 'date')
    return fc.constantFrom(
      '2026-11-20',
      '2026-01-31',
      '2025-06-15',
      '1900-01-01',
      '2099-12-31',
      '2024-02-29',
    );
  if (schema.format === 'uuid') return fc.uuid();
  return fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 30 }));
}

/** An object of the schema's shape where some fields (at least one when `hostile`) are hostile. */
function shaped(
  schema: Schema,
  components: Record<string, Schema>,
  depth: number,
  hostile: boolean,
): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0 || depth > 5) return hostile ? hostileValue : fc.constant({});
  const fields = Object.fromEntries(
    properties.map(([name, property]) => [
      name,
      fc.oneof(
        { weight: 3, arbitrary: plausible(property, components, depth) },
        { weight: hostile ? 2 : 0, arbitrary: hostileValue },
        {
          weight: hostile ? 1 : 0,
          arbitrary:
            depth < 4 ? shaped(resolve(property, components), components, depth + 1, true) : hostileValue,
        },
      ),
    ]),
  );
  const base = fc.record(fields, { requiredKeys: schema.required ?? [] });
  if (!hostile) return base;
  // Force one chosen field hostile, and sometimes add a field the schema does not know.
  return fc
    .tuple(base, fc.constantFrom(...properties.map(([name]) => name)), hostileValue, fc.boolean())
    .map(([body, field, value, extra]) => ({
      ...(body as object),
      [field]: value,
      ...(extra ? { isAdmin: true } : {}),
    }));
}

const NUL_TEXT = 'a\u0000b';

/**
 * A body of the schema's shape whose every text field holds the NUL character (PostgreSQL text and
 * jsonb cannot store it): numbers, booleans and enums stay plausible so that only the text is at fault.
 */
function nulBody(raw: Schema, components: Record<string, Schema>, depth = 0): unknown {
  const schema = resolve(raw, components);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return nulBody(options[0]!, components, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object' || schema.properties) {
    if (depth > 5) return {};
    return Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([name, property]) => [
        name,
        nulBody(property, components, depth + 1),
      ]),
    );
  }
  if (type === 'array') return depth > 5 ? [] : [nulBody(schema.items ?? {}, components, depth + 1)];
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'boolean') return true;
  return NUL_TEXT;
}

describeEachEngine('hostile input', (engine) => {
  let server: TestServer;
  const documentsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-fuzz-documents-'));
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let casesRun = 0;
  const statusTally: Record<string, number> = {};

  const inject = (options: InjectOptions) => server.built.app.inject(options);

  /** One statement counting the rows of every table (the tables are those of the migrated schema). */
  let countStatement: string | null = null;

  async function tableCounts(): Promise<Record<string, number>> {
    const { db } = server.built.database;
    if (countStatement === null) {
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(db);
      const names = tables.rows.map((r) => r.table_name).filter((name) => !VOLATILE_TABLES.has(name));
      countStatement = names
        .map(
          (name) =>
            `select '${name}' as name, count(*)::int as rows from "${name}"` +
            (name === 'audit_events'
              ? ` where action not in (${REFUSAL_AUDIT_ACTIONS.map((a) => `'${a}'`).join(', ')})`
              : ''),
        )
        .join(' union all ');
    }
    const result = await sql<{ name: string; rows: number }>`${sql.raw(countStatement)}`.execute(db);
    return Object.fromEntries(result.rows.map((r) => [r.name, Number(r.rows)]));
  }

  beforeAll(async () => {
    server = await startTestServer({ engine, clock, env: { COVERWISE_DOCUMENTS_DIR: documentsDir } });
    for (const role of ['admin', 'adjuster', 'reviewer', 'repair_facility', 'dealer_user'] as const) {
      const email =
        role === 'repair_facility'
          ? 'shop@coverwise.test'
          : role === 'dealer_user'
            ? 'dealer@coverwise.test'
            : `${role}@coverwise.test`;
      const login = await inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: 'coverwise-demo' },
      });
      tokens[role] = login.json().token;
    }
    const start = await inject({
      method: 'POST',
      url: '/api/v1/gap-claims',
      payload: {
        lastName: HOLDER.lastName,
        zip: HOLDER.zip,
        vin: HOLDER.vin,
        dateOfLoss: '2026-11-20',
        lossType: 'total_loss',
      },
    });
    expect(start.statusCode).toBe(201);
    ids.gapClaim = start.json().id;
    tokens.holder = start.json().token;
    const me = await inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${tokens.holder}` },
    });
    ids.contract = me.json().holder.contractIds[0];
  });
  afterAll(async () => {
    console.log(`hostile input [${engine.name}]: ${casesRun} cases`, JSON.stringify(statusTally));
    await server.close();
  });

  function callerFor(access: Access): string | null {
    if (access === 'public') return null;
    if (access === 'signed_in') return 'admin';
    return (
      ['admin', 'adjuster', 'reviewer', 'repair_facility', 'holder', 'dealer_user'].find((r) =>
        access.includes(r as never),
      ) ?? 'admin'
    );
  }

  /**
   * The route's path with its parameters filled in: an id where the path wants an id, and the
   * first allowed value where the parameter is an enumeration (e.g. a work item's kind), so that
   * what is judged is the body or the query, not the path.
   */
  function pathFor(url: string, parameters: { in: string; name: string; schema?: Schema }[] = []): string {
    const id = url.startsWith('/api/v1/gap-claims/') ? ids.gapClaim! : ids.contract!;
    return url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      const allowed = parameters.find((p) => p.in === 'path' && p.name === name)?.schema?.enum;
      return Array.isArray(allowed) && typeof allowed[0] === 'string' ? allowed[0] : id;
    });
  }

  /** A JSON POST to a route of the table, its path parameters filled in. */
  function postJson(
    url: string,
    headers: { authorization?: string },
    body: unknown,
    parameters: { in: string; name: string; schema?: Schema }[] = [],
  ): InjectOptions {
    return {
      method: 'POST',
      url: pathFor(url, parameters),
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    };
  }

  /** Sends the request; expects no 5xx and, for a 4xx, a problem document and no change. Returns the status. */
  async function expectRefusedCleanly(
    options: InjectOptions,
    label: string,
    expectProblem?: { status: number; code: string; paramMatching: RegExp },
  ): Promise<number> {
    const before = await tableCounts();
    const response = await inject(options);
    casesRun++;
    const tallyKey =
      `${response.statusCode} ${response.statusCode >= 400 ? response.json().code : ''}`.trim();
    statusTally[tallyKey] = (statusTally[tallyKey] ?? 0) + 1;
    expect(response.statusCode, `${label}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
    if (response.statusCode >= 400) {
      expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
      expect(response.json().code, label).toMatch(/^[a-z_]+$/);
      expect(await tableCounts(), `${label} changed the database`).toEqual(before);
    }
    if (expectProblem) {
      expect(response.statusCode, `${label}: ${response.body.slice(0, 300)}`).toBe(expectProblem.status);
      expect(response.json().code, label).toBe(expectProblem.code);
      expect(response.json().param, label).toMatch(expectProblem.paramMatching);
      expect(response.json().detail, label).toContain('NUL character');
    }
    return response.statusCode;
  }

  /** Rows per table: what a refused request must leave as it was (one statement). */
  let lastCounts: Record<string, number> = {};

  function accessOf(operation: Operation): Access {
    const url = operation.path.replace(/\{([A-Za-z]+)\}/g, ':$1');
    return (
      routeTableOf(server.built.app).find((route) => route.method === operation.method && route.url === url)
        ?.access ?? 'public'
    );
  }

  function allowedCallers(access: Access): Caller[] {
    if (access === 'public') return [...CALLERS];
    if (access === 'signed_in') return CALLERS.filter((caller) => caller !== 'anonymous');
    return CALLERS.filter((caller) => access.includes(caller as never));
  }

  async function idPool(): Promise<Record<string, string[]>> {
    const { db } = server.built.database;
    const pool: Record<string, string[]> = {};
    for (const table of new Set([...Object.values(ID_TABLES), 'users', 'repair_facilities'])) {
      const rows = await sql<{ id: string }>`select id::text as id from ${sql.table(table)} limit 25`.execute(
        db,
      );
      pool[table] = rows.rows.map((row) => row.id);
    }
    pool.contracts = [ids.contract!, ...(pool.contracts ?? [])];
    pool.gap_claims = [ids.gapClaim!, ...(pool.gap_claims ?? [])];
    return pool;
  }

  it('fuzzes every operation of the served OpenAPI document', async () => {
    const served = operationsOf(server.built.app.swagger() as OpenApiDocument)
      .filter((operation) => operation.path.startsWith('/api/'))
      .filter((operation) => !NOT_FUZZED.has(`${operation.method} ${operation.path}`))
      .map((operation) => `${operation.method} ${operation.path}`);
    expect(FUZZED_OPERATIONS.sort()).toEqual(served.sort());
    expect(FUZZED_OPERATIONS.length).toBeGreaterThan(50);
  });

  it.each(FUZZED_OPERATIONS.map((name, index) => [name, index] as const))(
    'schema-driven fuzz: %s answers no 5xx, problem+json refusals from the closed list, and no change when refused',
    async (name, index) => {
      const document = server.built.app.swagger() as OpenApiDocument;
      const operation = operationsOf(document).find((o) => `${o.method} ${o.path}` === name)!;
      const pool = await idPool();
      const allIds = Object.values(pool).flat();
      const fuzzer = new SchemaFuzzer(document.components?.schemas ?? {}, {
        ids: allIds,
        byName: {
          vin: [HOLDER.vin, ...DEMO_HOLDERS.map((holder) => holder.vin)],
          lastName: [HOLDER.lastName],
          zip: [HOLDER.zip],
          contractId: pool.contracts!,
          repairClaimId: pool.repair_claims ?? [],
          facilityId: pool.repair_facilities ?? [],
          componentGroup: ['brakes', 'engine', 'transmission', 'infotainment'],
          planCode: ['BASIC_GUARD', 'VALUE_GUARD', 'MAJOR_GUARD', 'FEATURE_GUARD', 'GAP'],
          state: ['KS', 'TX', 'CA', 'MO', 'ON'],
          purchaseState: ['KS', 'TX', 'CA', 'MO'],
          email: ['admin@coverwise.test', 'nobody@coverwise.test'],
          password: ['coverwise-demo', 'wrong-password-1'],
          url: ['https://example.com/hook'],
        },
      });
      const access = accessOf(operation);
      const allowed = allowedCallers(access);
      const caller: fc.Arbitrary<Caller> =
        allowed.length > 0
          ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...allowed) }, fc.constantFrom(...CALLERS))
          : fc.constantFrom(...CALLERS);
      const pathParameters = operation.parameters.filter((p) => p.in === 'path');
      const queryParameters = operation.parameters.filter((p) => p.in === 'query');
      const pathValue = (parameter: { name: string }): fc.Arbitrary<string> => {
        const segments = operation.path.split('/');
        const before = segments[segments.indexOf(`{${parameter.name}}`) - 1] ?? '';
        const known =
          parameter.name === 'chart' ? [...CHART_IDS] : (pool[ID_TABLES[before] ?? ''] ?? []).slice(0, 10);
        const mutants = fuzzer.mutants({ type: 'string', format: 'uuid' }).map(asText);
        return known.length > 0
          ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, fc.uuid(), mutants)
          : fc.oneof({ weight: 2, arbitrary: fc.uuid() }, mutants);
      };
      const request = fc.record({
        caller,
        path: fc.tuple(...pathParameters.map(pathValue)),
        query: fc.record(
          Object.fromEntries(
            queryParameters.map((parameter) => [
              parameter.name,
              fc
                .oneof(
                  { weight: 1, arbitrary: fuzzer.valid(parameter.schema ?? {}, parameter.name) },
                  { weight: 1, arbitrary: fuzzer.mutants(parameter.schema ?? {}) },
                )
                .map(asText),
            ]),
          ),
          { requiredKeys: queryParameters.filter((p) => p.required).map((p) => p.name) },
        ),
        body: operation.body
          ? fuzzer.validThenMutated(operation.body)
          : fc.constantFrom(undefined, {}, 'text', [1]),
      });
      lastCounts = await tableCounts();
      await fc.assert(
        fc.asyncProperty(request, async ({ caller, path: values, query, body }) => {
          let url = operation.path;
          pathParameters.forEach((parameter, position) => {
            url = url.replace(`{${parameter.name}}`, encodeText(values[position]!));
          });
          const search = Object.entries(query)
            .map(([key, value]) => `${key}=${encodeText(value)}`)
            .join('&');
          const options: InjectOptions = {
            method: operation.method as InjectOptions['method'],
            url: search ? `${url}?${search}` : url,
            headers: {
              ...(caller === 'anonymous' ? {} : { authorization: `Bearer ${tokens[caller]}` }),
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(body === undefined ? {} : { payload: toJsonText(body) }),
          };
          const label = `${caller} ${options.method} ${options.url?.toString().slice(0, 300)} ${String(options.payload ?? '').slice(0, 300)}`;
          const response = await inject(options);
          casesRun++;
          const counts = await tableCounts();
          const before = lastCounts;
          lastCounts = counts;
          const status = response.statusCode;
          const tallyKey = `${status} ${status >= 400 ? response.json().code : ''}`.trim();
          statusTally[tallyKey] = (statusTally[tallyKey] ?? 0) + 1;
          expect(status, `${label}\n→ ${response.body.slice(0, 300)}`).toBeLessThan(500);
          expect(response.headers['cache-control'], label).toMatch(/no-store/);
          if (status >= 400) {
            expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
            const problem = response.json();
            expect(Object.keys(ERROR_STATUS), label).toContain(problem.code);
            expect(ERROR_STATUS[problem.code as keyof typeof ERROR_STATUS], label).toBe(status);
            expect(problem.status, label).toBe(status);
            expect(problem.requestId, label).toBe(response.headers['x-request-id']);
            expect(counts, `${label} was refused (${problem.code}) but changed the database`).toEqual(before);
          }
        }),
        { seed: FUZZ_SEED + index, numRuns: FUZZ_RUNS, endOnFailure: true },
      );
    },
  );

  it('refuses the NUL character in any text field of every JSON POST and every GET query with 400 naming the field', async () => {
    const document = server.built.app.swagger() as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: { content?: Record<string, { schema: Schema }> };
            parameters?: { in: string; name: string; schema?: Schema }[];
          }
        >
      >;
      components?: { schemas?: Record<string, Schema> };
    };
    const components = document.components?.schemas ?? {};
    let bodies = 0;
    let queries = 0;
    for (const route of routeTableOf(server.built.app).filter((r) => r.url.startsWith('/api/'))) {
      const operation =
        document.paths[route.url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[route.method.toLowerCase()];
      const caller = callerFor(route.access);
      const headers = caller ? { authorization: `Bearer ${tokens[caller]}` } : {};
      const schema = operation?.requestBody?.content?.['application/json']?.schema;
      if (route.method === 'POST' && schema) {
        const body = nulBody(schema, components);
        if (!JSON.stringify(body).includes('\\u0000')) continue;
        bodies++;
        await expectRefusedCleanly(
          postJson(route.url, headers, body, operation?.parameters),
          `POST ${route.url}`,
          {
            status: 400,
            code: 'validation_failed',
            paramMatching: /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/,
          },
        );
      }
      if (route.method === 'GET') {
        for (const parameter of operation?.parameters?.filter((p) => p.in === 'query') ?? []) {
          queries++;
          await expectRefusedCleanly(
            {
              method: 'GET',
              // Path parameters that are not ids get a real value, so that the query is what is judged.
              url: `${pathFor(route.url.replace(':chart', CHART_IDS[0]!), operation?.parameters)}?${parameter.name}=${encodeURIComponent(NUL_TEXT)}`,
              headers,
            },
            `GET ${route.url}?${parameter.name}=`,
            { status: 400, code: 'validation_failed', paramMatching: new RegExp(`^${parameter.name}$`) },
          );
        }
      }
    }
    expect(bodies).toBeGreaterThan(20);
    expect(queries).toBeGreaterThan(5);
  });

  it('imports hostile CSV files without a 5xx and without accepting any row of them', async () => {
    const headers = { authorization: `Bearer ${tokens.admin}`, 'content-type': 'text/csv' };
    const contractsBefore = (await tableCounts()).contracts;
    const cell = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        '"',
        '""',
        '"unterminated',
        '\r',
        '\n',
        ',',
        '=cmd|"/c calc"!A1',
        '-1',
        '99999999999999999999',
        '2026-02-30',
      ),
    );
    const csv = fc.oneof(
      fc
        .array(fc.array(cell, { maxLength: 12 }), { maxLength: 6 })
        .map((rows) => rows.map((row) => row.join(',')).join('\n')),
      fc.string({ maxLength: 300 }),
      fc.constant('product,planCode\nvsc'),
      fc.constant('\uFEFF'),
    );
    await fc.assert(
      fc.asyncProperty(csv, async (body) => {
        const response = await inject({
          method: 'POST',
          url: '/api/v1/contracts/import',
          headers,
          payload: body,
        });
        casesRun++;
        expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
        if (response.statusCode === 200) expect(response.json().accepted).toBe(0);
      }),
      { seed: 42, numRuns: RUNS_PER_ENDPOINT },
    );
    expect((await tableCounts()).contracts).toBe(contractsBefore);
  });

  it('refuses truncated, mis-bounded and polyglot uploads with 4xx, leaving no row and no temporary file', async () => {
    const url = `/api/v1/gap-claims/${ids.gapClaim}/documents`;
    const auth = { authorization: `Bearer ${tokens.holder}` };
    const ZIP_HEAD = Buffer.from('504b0304140000000800', 'hex');
    const PNG_HEAD = Buffer.from('89504e470d0a1a0a', 'hex');
    const cases: { label: string; options: InjectOptions; mayStore?: boolean }[] = [];
    const good = multipart({ type: 'gap_addendum' }, { name: 'a.pdf', bytes: PDF }, 'BOUNDARY');
    cases.push(
      {
        label: 'wrong boundary',
        options: {
          payload: good.payload,
          headers: { 'content-type': 'multipart/form-data; boundary=OTHER' },
        },
      },
      {
        label: 'no boundary',
        options: { payload: good.payload, headers: { 'content-type': 'multipart/form-data' } },
      },
      {
        label: 'truncated',
        options: { payload: good.payload.subarray(0, good.payload.length - 30), headers: good.headers },
      },
      {
        label: 'cut inside the headers',
        options: { payload: good.payload.subarray(0, 60), headers: good.headers },
      },
      { label: 'empty', options: { payload: Buffer.alloc(0), headers: good.headers } },
      { label: 'no file part', options: multipart({ type: 'gap_addendum' }, null) },
      {
        label: 'unknown document type',
        options: multipart({ type: '../../etc' }, { name: 'a.pdf', bytes: PDF }),
      },
      {
        label: 'NUL in the document type',
        options: multipart({ type: 'gap_\u0000addendum' }, { name: 'a.pdf', bytes: PDF }),
      },
      {
        label: 'NUL in the file name',
        options: multipart({ type: 'gap_addendum' }, { name: 'a\u0000.pdf', bytes: PDF }),
        mayStore: true,
      },
      {
        label: 'zip with a pdf name',
        options: multipart(
          { type: 'gap_addendum' },
          { name: 'a.pdf', bytes: Buffer.concat([ZIP_HEAD, Buffer.alloc(200)]) },
        ),
      },
      {
        label: 'html in a png name',
        options: multipart(
          { type: 'gap_addendum' },
          { name: 'x.png', bytes: Buffer.from('<html><body onload=alert(1)>') },
        ),
      },
      {
        label: 'png header then html',
        options: multipart(
          { type: 'gap_addendum' },
          { name: 'x.png', bytes: Buffer.concat([PNG_HEAD, Buffer.from('<script>alert(1)</script>')]) },
        ),
        mayStore: true,
      },
      {
        label: 'pdf header on a zip',
        options: multipart(
          { type: 'gap_addendum' },
          { name: 'a.pdf', bytes: Buffer.concat([PDF, ZIP_HEAD, Buffer.alloc(64)]) },
        ),
        mayStore: true,
      },
      {
        label: 'two files',
        options: {
          ...(() => {
            const one = multipart({ type: 'gap_addendum' }, { name: 'a.pdf', bytes: PDF }, 'B2');
            return {
              payload: Buffer.concat([
                one.payload.subarray(0, one.payload.length - 8),
                Buffer.from(
                  '\r\n--B2\r\nContent-Disposition: form-data; name="file"; filename="b.pdf"\r\n\r\n',
                ),
                PDF,
                Buffer.from('\r\n--B2--\r\n'),
              ]),
              headers: one.headers,
            };
          })(),
        },
      },
      {
        label: 'file larger than the cap',
        options: multipart(
          { type: 'gap_addendum' },
          { name: 'a.pdf', bytes: Buffer.concat([PDF, Buffer.alloc(26 * 1024 * 1024)]) },
        ),
      },
    );
    for (const { label, options, mayStore } of cases) {
      const before = await tableCounts();
      const response = await inject({
        method: 'POST',
        url,
        ...options,
        headers: { ...options.headers, ...auth },
      });
      casesRun++;
      expect(response.statusCode, `${label}: ${response.body.slice(0, 200)}`).toBeLessThan(500);
      if (!mayStore) expect(response.statusCode, label).toBeGreaterThanOrEqual(400);
      if (response.statusCode >= 400) {
        expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
        expect(await tableCounts(), `${label} changed the database`).toEqual(before);
      }
      const tmp = path.join(documentsDir, 'tmp');
      expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : [], `${label} left a temporary file`).toEqual([]);
    }
  });
});
