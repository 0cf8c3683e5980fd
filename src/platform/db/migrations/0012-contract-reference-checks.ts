// A contract's catalog version and import run are checked once per statement instead of once per row.
//
// The foreign keys contracts.catalog_version → catalog_versions and contracts.import_id →
// contract_imports each ran a trigger and an index probe for every contract inserted: in a dealer-file
// import that was the largest single cost after the rows themselves (on PostgreSQL 15, a 20,000-row
// import spent 0.6 s of 1.5 s in them; on the embedded PGlite about 0.5 s of 2 s). The same guarantee,
// set-based:
//   - after each INSERT statement, one anti-join of the new rows against each referenced table refuses
//     the statement (foreign_key_violation, 23503) if any row names a version or run that does not exist;
//   - the two columns never change once a contract exists (refused before the update, per row but only
//     when one of them changes: an ordinary update pays a comparison, not a lookup);
//   - the referenced rows cannot go away: catalog versions were append-only already (0002), and import
//     runs now cannot be deleted, truncated or renumbered either. With nothing deleted, no lock on the
//     referenced rows is needed to keep a concurrent insert valid, which is what the foreign keys' row
//     locks were for.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table contracts drop constraint contracts_catalog_version_fkey`.execute(db);
  await sql`alter table contracts drop constraint contracts_import_id_fkey`.execute(db);

  await sql`
    create function contracts_check_references() returns trigger language plpgsql as $$
    declare
      missing_version integer;
      missing_import uuid;
    begin
      -- The distinct values first: a file names one catalog version and one run, so each is looked up once.
      select d.catalog_version into missing_version
        from (select distinct catalog_version from new_contracts) d
        where not exists (select 1 from catalog_versions v where v.version = d.catalog_version)
        limit 1;
      if found then
        raise exception 'contracts: catalog version % does not exist', missing_version
          using errcode = 'foreign_key_violation', table = 'contracts', column = 'catalog_version';
      end if;
      select d.import_id into missing_import
        from (select distinct import_id from new_contracts where import_id is not null) d
        where not exists (select 1 from contract_imports i where i.id = d.import_id)
        limit 1;
      if found then
        raise exception 'contracts: import run % does not exist', missing_import
          using errcode = 'foreign_key_violation', table = 'contracts', column = 'import_id';
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger contracts_references after insert on contracts
      referencing new table as new_contracts
      for each statement execute function contracts_check_references()`.execute(db);

  await sql`
    create function contracts_references_fixed() returns trigger language plpgsql as $$
    begin
      raise exception 'contracts: the catalog version and import run of a contract do not change'
        using errcode = 'integrity_constraint_violation', table = 'contracts';
    end $$`.execute(db);
  await sql`
    create trigger contracts_references_fixed before update of catalog_version, import_id on contracts
      for each row
      when (new.catalog_version is distinct from old.catalog_version or new.import_id is distinct from old.import_id)
      execute function contracts_references_fixed()`.execute(db);

  await sql`
    create function contract_imports_kept() returns trigger language plpgsql as $$
    begin
      raise exception 'contract_imports: import runs are kept (contracts name them)'
        using errcode = 'integrity_constraint_violation', table = 'contract_imports';
    end $$`.execute(db);
  await sql`
    create trigger contract_imports_no_delete before delete on contract_imports
      for each row execute function contract_imports_kept()`.execute(db);
  await sql`
    create trigger contract_imports_no_truncate before truncate on contract_imports
      for each statement execute function contract_imports_kept()`.execute(db);
  await sql`
    create trigger contract_imports_id_fixed before update of id on contract_imports
      for each row when (new.id is distinct from old.id) execute function contract_imports_kept()`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger contract_imports_id_fixed on contract_imports`.execute(db);
  await sql`drop trigger contract_imports_no_truncate on contract_imports`.execute(db);
  await sql`drop trigger contract_imports_no_delete on contract_imports`.execute(db);
  await sql`drop function contract_imports_kept()`.execute(db);
  await sql`drop trigger contracts_references_fixed on contracts`.execute(db);
  await sql`drop function contracts_references_fixed()`.execute(db);
  await sql`drop trigger contracts_references on contracts`.execute(db);
  await sql`drop function contracts_check_references()`.execute(db);
  await sql`alter table contracts add constraint contracts_import_id_fkey
    foreign key (import_id) references contract_imports (id)`.execute(db);
  await sql`alter table contracts add constraint contracts_catalog_version_fkey
    foreign key (catalog_version) references catalog_versions (version)`.execute(db);
}
