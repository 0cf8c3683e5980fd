// An address's row in rate_limits records when an attempt from it last failed (`failed_at`: wrong facts,
// or refused by the address's own window). A key's back-off from an address (its own row, e.g. a VIN
// from that address) can only be waiting, or have failures to forget, if some attempt from that address
// failed within the back-off's reset window; every such failure stamps the address's row first. So a
// holder signing in with the right facts from an address with no recent failure — nearly every sign-in —
// skips the back-off's row altogether: no lookup, no lock, no write (holder-sign-in.repository.ts).
// No index: the column changes with the row's count, and an update of it stays HOT (migration 0044).
// During a rolling upgrade, processes of the build before this one count failures without stamping the
// address's row; a holder's right facts sent to an upgraded process meanwhile could pass a back-off's
// wait that those failures started. Upgrade all processes in one go where that window matters.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rate_limits add column failed_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rate_limits drop column failed_at`.execute(db);
}
