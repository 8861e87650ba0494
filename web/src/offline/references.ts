import type { OfflineDatabase } from './db.js';
import type { LocalPerson, LocalResolution, LocalUnit, ServerTask, TaskResolution } from './types.js';

/**
 * The reference rows of the local database (protocol 4, docs/SYNC.md "Reference data"), by id:
 * what the screens join into the rows that name them, so a rename pulled once shows everywhere.
 */
export interface References {
  resolutions: ReadonlyMap<string, LocalResolution>;
  units: ReadonlyMap<string, LocalUnit>;
  people: ReadonlyMap<string, LocalPerson>;
}

export const NO_REFERENCES: References = { resolutions: new Map(), units: new Map(), people: new Map() };

/** Reads the three tables; a live query around it follows every pull. */
export async function readReferences(db: OfflineDatabase): Promise<References> {
  const [resolutions, units, people] = await Promise.all([db.resolutions.toArray(), db.units.toArray(), db.people.toArray()]);
  return {
    resolutions: new Map(resolutions.map((r) => [r.id, r])),
    units: new Map(units.map((u) => [u.id, u])),
    people: new Map(people.map((p) => [p.id, p])),
  };
}

/** The task's resolution as last pulled: the reference row, else the copy the task came with. */
export function resolutionOf(task: Pick<ServerTask, 'resolution'>, refs: References): TaskResolution | null {
  if (!task.resolution) return null;
  const { id, code, titleVi, titleEn } = refs.resolutions.get(task.resolution.id) ?? task.resolution;
  return { id, code, titleVi, titleEn };
}

/** A unit's name, or null when this device has no row for it (a unit above this one is never sent). */
export function unitName(id: string | null | undefined, refs: References): string | null {
  return (id && refs.units.get(id)?.name) || null;
}

/** A person's current name; `fallback` is the name the row came with (rows pulled before protocol 4). */
export function personName(id: string | null | undefined, fallback: string | null, refs: References): string | null {
  return (id && refs.people.get(id)?.displayName) || fallback;
}
