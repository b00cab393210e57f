// How the runs table names a run: the name given with `mlts run --name`, else its `name` parameter, else its id with the part that tells
// runs apart kept whole. Ids are `YYYYMMDD-HHMMSS-stem-hex`; many runs share the date and stem, so the table shows
// the stem (which may be cut short) followed by the time and hex, which are never cut. Pure, so it is unit-tested.
import type { ParamValue } from '../../../runtime/src/dashboard/dashboardProtocol';

export interface RunLabel {
  /** A user-given name, shown instead of the id. */
  name: string | null;
  /** The id's stem (the experiment file's name), or the whole id when it does not follow the pattern. */
  stem: string;
  /** The part that tells runs apart: `HH:MM:SS hex`; empty when the id does not follow the pattern. */
  unique: string;
}

const RUN_ID = /^(\d{8})-(\d{2})(\d{2})(\d{2})-(.+)-([0-9a-z]{4,})$/i;

export function runLabel(id: string, params: Record<string, ParamValue>, given: string | null = null): RunLabel {
  const candidate = given?.trim() ? given : params.name;
  const name = typeof candidate === 'string' && candidate.trim() ? candidate.trim() : null;
  const m = RUN_ID.exec(id);
  if (!m) return { name, stem: id, unique: '' };
  return { name, stem: m[5]!, unique: `${m[2]}:${m[3]}:${m[4]} ${m[6]}` };
}
