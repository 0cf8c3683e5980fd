// The Treasury's SDN list in its legacy CSV release (OFAC "SDN data specification"): sdn.csv has no
// header row and twelve columns — ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type,
// Tonnage, GRT, Vess_flag, Vess_owner, Remarks — with "-0-" for an empty value; alt.csv has five —
// ent_num, alt_num, alt_type, alt_name, alt_remarks. The file ends with a line holding a single SUB
// character (0x1A), which is skipped.

/** The columns of sdn.csv, in order (the file has no header: a refusal names a column by these). */
export const SDN_COLUMNS = [
  'ent_num',
  'SDN_Name',
  'SDN_Type',
  'Program',
  'Title',
  'Call_Sign',
  'Vess_type',
  'Tonnage',
  'GRT',
  'Vess_flag',
  'Vess_owner',
  'Remarks',
] as const;

/** The columns of alt.csv, in order. */
export const ALT_COLUMNS = ['ent_num', 'alt_num', 'alt_type', 'alt_name', 'alt_remarks'] as const;

export interface SdnRow {
  entNum: number;
  name: string;
  sdnType: string | null;
  program: string | null;
  remarks: string | null;
}

export interface AltRow {
  entNum: number;
  altNum: number;
  altType: string | null;
  name: string;
}

export type Parsed<T> = { ok: true; row: T } | { ok: false; reason: string } | { ok: 'skip' };

function value(field: string | undefined): string | null {
  const text = (field ?? '').trim();
  return text === '' || text === '-0-' ? null : text;
}

function isEndMarker(fields: string[]): boolean {
  return fields.length === 1 && (fields[0] ?? '').replaceAll(String.fromCharCode(0x1a), '').trim() === '';
}

export function parseSdnRecord(fields: string[]): Parsed<SdnRow> {
  if (isEndMarker(fields)) return { ok: 'skip' };
  if (fields.length !== 12) return { ok: false, reason: `has ${fields.length} columns; sdn.csv has 12` };
  const entNum = Number(fields[0]);
  if (!/^\d{1,12}$/.test(fields[0]!.trim()) || !Number.isSafeInteger(entNum))
    return { ok: false, reason: 'ent_num is not a whole number' };
  const name = value(fields[1]);
  if (!name) return { ok: false, reason: 'SDN_Name is empty' };
  return {
    ok: true,
    row: {
      entNum,
      name,
      sdnType: value(fields[2]),
      program: value(fields[3]),
      remarks: value(fields[11]),
    },
  };
}

export function parseAltRecord(fields: string[]): Parsed<AltRow> {
  if (isEndMarker(fields)) return { ok: 'skip' };
  if (fields.length !== 5) return { ok: false, reason: `has ${fields.length} columns; alt.csv has 5` };
  const entNum = Number(fields[0]);
  const altNum = Number(fields[1]);
  if (!/^\d{1,12}$/.test(fields[0]!.trim()) || !/^\d{1,12}$/.test(fields[1]!.trim()))
    return { ok: false, reason: 'ent_num and alt_num are whole numbers' };
  const name = value(fields[3]);
  if (!name) return { ok: false, reason: 'alt_name is empty' };
  return { ok: true, row: { entNum, altNum, altType: value(fields[2]), name } };
}
