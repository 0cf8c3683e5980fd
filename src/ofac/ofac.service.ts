// OFAC screening (DOMAIN.md "Paying out"): an admin loads the SDN list (sdn.csv, then optionally
// alt.csv, streamed in batches); every payee of a payment run is screened against the newest list when
// the run is previewed; a possible match holds that payment until an admin releases or blocks it, with a
// reason, audited. A payable has one open hold however many runs preview it (each reuses it), so one
// decision settles the payment in every draft run that holds it, and a blocked payable is never offered
// for release again. The files are read as strict UTF-8 (src/shared/utf8-text.ts): a byte that is not
// UTF-8 refuses the file by line and column, never becoming U+FFFD in a name screened against.
import type { Kysely } from 'kysely';
import { type CsvRecord, createCsvReader } from '../contracts/csv-reader.js';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { asUseCase, transactional } from '../platform/db/transaction.js';
import { AppError } from '../shared/errors.js';
import {
  createUtf8ChunkDecoder,
  firstNotUtf8Field,
  holdsNotUtf8,
  NOT_UTF8,
  NOT_UTF8_WORDS,
} from '../shared/utf8-text.js';
import {
  currentOfacList,
  decideOfacHold,
  findOfacList,
  insertOfacHold,
  insertOfacList,
  insertSdnNames,
  listOfacHolds,
  listSdnNames,
  lockHoldsOfPayable,
  lockOfacHold,
  type NewOfacHold,
  type NewSdnName,
  primaryEntNums,
  reuseOfacHold,
  setListCounts,
  settleHeldRunItems,
} from './ofac.repository.js';
import { bestMatch, normalizeName } from './ofac-match.js';
import { ALT_COLUMNS, type Parsed, parseAltRecord, parseSdnRecord, SDN_COLUMNS } from './sdn-file.js';

const BATCH_SIZE = 500;
/** The SDN list has about 18,000 names with its alternates; this bounds a wrong file. */
const MAX_NAMES = 500_000;
const MAX_RECORD_CHARACTERS = 20_000;

type SdnName = Awaited<ReturnType<typeof listSdnNames>>[number];

export interface ScreeningResult {
  listId: string;
  match: { entry: SdnName; score: number } | null;
}

/**
 * The file's records, its bytes decoded as strict UTF-8: a record holding a byte that is not UTF-8
 * refuses the whole file (sdn_file_invalid), naming its line and column, as a screening list must not
 * hold a name with a letter lost.
 */
async function* records(
  source: AsyncIterable<Buffer | string>,
  columns: readonly string[],
): AsyncGenerator<CsvRecord> {
  const reader = createCsvReader({ maxRecordCharacters: MAX_RECORD_CHARACTERS });
  const decoder = createUtf8ChunkDecoder();
  let notUtf8Seen = false;
  function* checked(read: CsvRecord[]): Generator<CsvRecord> {
    for (const record of read) {
      const notUtf8 = notUtf8Seen ? firstNotUtf8Field(record.fields) : null;
      if (notUtf8)
        throw new AppError(
          'sdn_file_invalid',
          `Line ${record.line}, column ${columns[notUtf8.index] ?? notUtf8.index + 1}: "${notUtf8.shown}" ${NOT_UTF8_WORDS} and load it again.`,
          { param: 'body' },
        );
      yield record;
    }
  }
  const push = (text: string) => {
    if (!notUtf8Seen && text.includes(NOT_UTF8)) notUtf8Seen = holdsNotUtf8(text);
    return reader.push(text);
  };
  for await (const chunk of source) {
    const { records: read, error } = push(typeof chunk === 'string' ? chunk : decoder.decode(chunk));
    yield* checked(read);
    if (error) throw new AppError('sdn_file_invalid', error.message, { param: 'body' });
  }
  const tail = push(decoder.end());
  yield* checked(tail.records);
  if (tail.error) throw new AppError('sdn_file_invalid', tail.error.message, { param: 'body' });
  const { records: last, error } = reader.end();
  yield* checked(last);
  if (error) throw new AppError('sdn_file_invalid', error.message, { param: 'body' });
}

export function createOfacService(deps: { db: Kysely<Database>; clock: Clock; matchThreshold: number }) {
  const { db, clock } = deps;
  let cache: { listId: string; names: SdnName[] } | null = null;

  async function loadInto<T>(
    trx: Kysely<Database>,
    listId: string,
    source: AsyncIterable<Buffer | string>,
    parse: (fields: string[]) => Parsed<T>,
    toName: (row: T) => NewSdnName,
    columns: readonly string[],
  ): Promise<number> {
    let batch: NewSdnName[] = [];
    let count = 0;
    for await (const record of records(source, columns)) {
      const parsed = parse(record.fields);
      if (parsed.ok === 'skip') continue;
      if (parsed.ok === false)
        throw new AppError('sdn_file_invalid', `Line ${record.line} ${parsed.reason}.`, { param: 'body' });
      batch.push(toName(parsed.row));
      count += 1;
      if (count > MAX_NAMES)
        throw new AppError('sdn_file_invalid', `The file has more than ${MAX_NAMES} names.`, {
          param: 'body',
        });
      if (batch.length >= BATCH_SIZE) {
        await insertSdnNames(trx, listId, batch);
        batch = [];
      }
    }
    await insertSdnNames(trx, listId, batch);
    return count;
  }

  /** Loads sdn.csv as a new list (the newest list screens from then on); all or nothing. */
  async function loadSdnList(source: AsyncIterable<Buffer | string>, actor: Actor, requestId: string) {
    return transactional(db)(async (trx) => {
      const listId = await insertOfacList(trx, actor.label);
      const entryCount = await loadInto(
        trx,
        listId,
        source,
        parseSdnRecord,
        (row) => ({
          entNum: row.entNum,
          altNum: null,
          name: row.name,
          normalizedName: normalizeName(row.name),
          sdnType: row.sdnType,
          program: row.program,
          remarks: row.remarks,
        }),
        SDN_COLUMNS,
      );
      if (entryCount === 0)
        throw new AppError('sdn_file_invalid', 'The file holds no SDN entry.', { param: 'body' });
      await setListCounts(trx, listId, { entryCount });
      await recordAudit(trx, {
        actor,
        action: 'ofac.list_loaded',
        entityType: 'ofac_list',
        entityId: listId,
        data: { entryCount },
        requestId,
      });
      return listView((await findOfacList(trx, listId))!);
    });
  }

  /** Adds alt.csv's alternate names to a loaded list (each linked to its entry by ent_num). */
  async function loadAlternates(
    listId: string,
    source: AsyncIterable<Buffer | string>,
    actor: Actor,
    requestId: string,
  ) {
    return transactional(db)(async (trx) => {
      const list = await findOfacList(trx, listId);
      if (!list) throw new AppError('not_found', 'No such SDN list.', { param: 'id' });
      const entries = await primaryEntNums(trx, listId);
      const primary = new Map((await listSdnNames(trx, listId)).map((name) => [name.entNum, name]));
      const alternateCount = await loadInto(
        trx,
        listId,
        source,
        parseAltRecord,
        (row) => {
          if (!entries.has(row.entNum))
            throw new AppError(
              'sdn_file_invalid',
              `alt_num ${row.altNum} names ent_num ${row.entNum}, which the list does not have.`,
              {
                param: 'body',
              },
            );
          const entry = primary.get(row.entNum)!;
          return {
            entNum: row.entNum,
            altNum: row.altNum,
            name: row.name,
            normalizedName: normalizeName(row.name),
            sdnType: entry.sdnType,
            program: entry.program,
            remarks: entry.remarks,
          };
        },
        ALT_COLUMNS,
      );
      await setListCounts(trx, listId, { alternateCount: list.alternate_count + alternateCount });
      await recordAudit(trx, {
        actor,
        action: 'ofac.alternates_loaded',
        entityType: 'ofac_list',
        entityId: listId,
        data: { alternateCount },
        requestId,
      });
      return listView((await findOfacList(trx, listId))!);
    });
  }

  async function namesOf(executor: Kysely<Database>, listId: string): Promise<SdnName[]> {
    if (cache?.listId !== listId) cache = { listId, names: await listSdnNames(executor, listId) };
    return cache.names;
  }

  /** The newest list and, per payee name, its best possible match (null: no list is loaded). */
  async function screen(
    executor: Kysely<Database>,
    payeeNames: readonly string[],
  ): Promise<{ listId: string; matches: Map<string, ScreeningResult['match']> } | null> {
    const list = await currentOfacList(executor);
    if (!list) return null;
    const names = await namesOf(executor, list.id);
    const matches = new Map<string, ScreeningResult['match']>();
    for (const payee of new Set(payeeNames)) matches.set(payee, bestMatch(payee, names, deps.matchThreshold));
    return { listId: list.id, matches };
  }

  /**
   * Holds a payment-run item whose payee is a possible match, in the preview's transaction: the payable's
   * open hold, if a run before held it, now names this item and this screening's match (one open hold per
   * payable); otherwise a new hold. Answers the item's status: `held`, or, where a decision on the
   * payable came in since the payables were read, `blocked` or `ready`.
   */
  async function holdPayment(
    trx: Kysely<Database>,
    hold: NewOfacHold,
  ): Promise<'held' | 'blocked' | 'ready'> {
    // Twice at most: a concurrent preview's new hold on the payable makes the insert do nothing, and is
    // locked and reused on the second pass.
    for (let pass = 0; pass < 2; pass += 1) {
      const holds = await lockHoldsOfPayable(trx, hold.sourceType, hold.sourceId);
      if (holds.some((existing) => existing.status === 'blocked')) return 'blocked';
      const open = holds.find((existing) => existing.status === 'held');
      if (open) {
        await reuseOfacHold(trx, open.id, hold);
        return 'held';
      }
      if (holds.some((existing) => existing.status === 'released')) return 'ready';
      if (await insertOfacHold(trx, hold)) return 'held';
    }
    throw new Error(`The OFAC hold of ${hold.sourceType} ${hold.sourceId} could be neither added nor found.`);
  }

  async function currentList(executor: Kysely<Database> = db) {
    const list = await currentOfacList(executor);
    return list ? listView(list) : null;
  }

  async function holds(filter: { status?: 'held' | 'released' | 'blocked' | undefined; limit: number }) {
    const rows = await listOfacHolds(db, { status: filter.status, limit: filter.limit + 1 });
    return { data: rows.slice(0, filter.limit).map(holdView), hasMore: rows.length > filter.limit };
  }

  /**
   * An admin's decision on a hold: released (a false positive: the payment goes into the draft runs that
   * hold it, or the next run otherwise; a run approved while it was held shows it skipped, not paid) or
   * blocked (the payable is never paid by a run, and every draft or approved run that holds it shows it
   * blocked).
   */
  async function decide(
    trx: Kysely<Database>,
    holdId: string,
    input: { decision: 'release' | 'block'; reason: string },
    actor: Actor,
    requestId: string,
  ) {
    const reason = input.reason.trim();
    if (!reason) throw new AppError('validation_failed', 'Say why.', { param: 'reason' });
    const hold = await lockOfacHold(trx, holdId);
    if (!hold) throw new AppError('not_found', 'No such OFAC hold.', { param: 'id' });
    if (hold.status !== 'held')
      throw new AppError('ofac_hold_decided', `The hold was already ${hold.status} by ${hold.decided_by}.`);
    const status = input.decision === 'release' ? 'released' : 'blocked';
    await decideOfacHold(trx, holdId, { status, decidedBy: actor.label, decidedAt: clock.now(), reason });
    await settleHeldRunItems(trx, { sourceType: hold.source_type, sourceId: hold.source_id }, status);
    await recordAudit(trx, {
      actor,
      action: status === 'released' ? 'ofac.hold_released' : 'ofac.hold_blocked',
      entityType: 'ofac_hold',
      entityId: holdId,
      reason,
      data: {
        payeeName: hold.payee_name,
        matchedName: hold.matched_name,
        entNum: Number(hold.ent_num),
        score: Number(hold.score),
        source: { type: hold.source_type, id: hold.source_id },
      },
      requestId,
    });
    const [row] = await listOfacHolds(trx, { id: holdId, limit: 1 });
    return holdView(row!);
  }

  return {
    loadSdnList,
    loadAlternates,
    screen,
    holdPayment,
    currentList,
    holds,
    decide: asUseCase(decide),
  };
}

export type OfacService = ReturnType<typeof createOfacService>;

function listView(list: {
  id: string;
  loaded_at: Date;
  loaded_by: string;
  entry_count: number;
  alternate_count: number;
}) {
  return {
    id: list.id,
    loadedAt: list.loaded_at.toISOString(),
    loadedBy: list.loaded_by,
    entryCount: list.entry_count,
    alternateCount: list.alternate_count,
  };
}

function holdView(row: Awaited<ReturnType<typeof listOfacHolds>>[number]) {
  return {
    id: row.id,
    status: row.status,
    payeeName: row.payee_name,
    payeeType: row.payee_type,
    amountCents: Number(row.amount_cents),
    method: row.method,
    runId: row.run_id,
    runNumber: Number(row.run_number),
    source: { type: row.source_type, id: row.source_id },
    score: Number(row.score),
    matchedEntry: {
      listId: row.list_id,
      entNum: Number(row.ent_num),
      name: row.matched_name,
      sdnType: row.sdn_type,
      program: row.program,
      remarks: row.remarks,
    },
    decidedBy: row.decided_by,
    decidedAt: row.decided_at?.toISOString() ?? null,
    decisionReason: row.decision_reason,
    createdAt: row.created_at.toISOString(),
  };
}

export type OfacHoldView = ReturnType<typeof holdView>;
