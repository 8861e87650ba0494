import type { EntityManager } from '@mikro-orm/postgresql';
import { GENESIS_HASH, rowHash, type AuditEventRow } from './audit.service.js';

/** Why a chain is broken at its first bad link. */
export type ChainProblemKind = 'EDITED' | 'MISSING' | 'BROKEN_LINK' | 'TRUNCATED' | 'UNQUEUED';

export interface ChainProblem {
  chainKey: string;
  kind: ChainProblemKind;
  /** The sequence number where the chain first breaks. */
  chainSeq: string;
  /** The row found there, when there is one. */
  eventId: string | null;
  message: string;
}

export interface AuditVerification {
  chains: number;
  events: number;
  /** Events appended but not yet sealed into their chain by the derived worker. */
  unsealed: number;
  /** When the oldest of those was appended. */
  oldestUnsealedAt: Date | null;
  /** The first broken link of each broken chain; empty when every chain is intact. */
  problems: ChainProblem[];
}

interface Row extends AuditEventRow {
  chain_seq: string;
  prev_hash: string;
  hash: string;
}

const BATCH = 2000;

/**
 * Walks every sealed audit chain from its first event and recomputes each hash: an edited row no longer
 * matches its hash, a deleted row leaves a gap in the sequence, a reordered or inserted row breaks
 * the link to the previous hash, and deleted last rows no longer reach the chain head.
 */
export async function verifyAuditChains(em: EntityManager): Promise<AuditVerification> {
  const conn = em.getConnection();
  const keys = await conn.execute<{ chain_key: string; last_seq: string | null; last_hash: string | null }[]>(
    `select k.chain_key, h.last_seq, h.last_hash
       from (select chain_key from audit_chain_head union select distinct chain_key from audit_event where hash is not null) k
       left join audit_chain_head h on h.chain_key = k.chain_key
      order by k.chain_key`,
  );
  const [pending] = await conn.execute<{ n: number; oldest: Date | null; unqueued: string[] }[]>(
    `select count(*)::int as n, min(e.at) as oldest,
            coalesce((array_agg(e.id::text order by e.id) filter (where q.id is null))[1:10], '{}') as unqueued
       from audit_event e left join audit_unsealed q on q.id = e.id
      where e.hash is null`,
  );
  const result: AuditVerification = {
    chains: keys.length,
    events: 0,
    unsealed: pending?.n ?? 0,
    oldestUnsealedAt: pending?.oldest ?? null,
    problems: [],
  };
  // An unsealed event out of the seal queue would never be sealed.
  for (const id of pending?.unqueued ?? [])
    result.problems.push({
      chainKey: '',
      kind: 'UNQUEUED',
      chainSeq: '',
      eventId: id,
      message: `event ${id} is unsealed and not waiting in audit_unsealed: the worker would never seal it`,
    });
  for (const key of keys) {
    const problem = await verifyChain(em, key.chain_key, key.last_seq, key.last_hash, (n) => (result.events += n));
    if (problem) result.problems.push(problem);
  }
  return result;
}

async function verifyChain(
  em: EntityManager,
  chainKey: string,
  headSeq: string | null,
  headHash: string | null,
  counted: (n: number) => void,
): Promise<ChainProblem | null> {
  const conn = em.getConnection();
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  const problem = (kind: ChainProblemKind, seq: bigint, eventId: string | null, message: string): ChainProblem => ({
    chainKey,
    kind,
    chainSeq: String(seq),
    eventId,
    message: `chain ${chainKey}: ${message}`,
  });
  for (;;) {
    const rows = await conn.execute<Row[]>(
      `select * from audit_event where chain_key = ? and chain_seq >= ? order by chain_seq limit ?`,
      [chainKey, String(expectedSeq), BATCH],
    );
    counted(rows.length);
    for (const row of rows) {
      const seq = BigInt(row.chain_seq);
      if (seq !== expectedSeq) {
        return problem(
          'MISSING',
          expectedSeq,
          null,
          `event ${expectedSeq}${seq - 1n > expectedSeq ? `–${seq - 1n}` : ''} is missing (deleted); the chain resumes at event ${seq} (id ${row.id})`,
        );
      }
      const recomputed = rowHash(row, row.chain_seq, row.prev_hash);
      if (recomputed !== row.hash) {
        return problem('EDITED', seq, row.id, `event ${seq} (id ${row.id}) no longer matches its hash: it was edited`);
      }
      if (row.prev_hash !== prevHash) {
        return problem(
          'BROKEN_LINK',
          seq,
          row.id,
          `event ${seq} (id ${row.id}) does not follow the event before it: events were removed, inserted or reordered`,
        );
      }
      prevHash = row.hash;
      expectedSeq = seq + 1n;
    }
    if (rows.length < BATCH) break;
  }
  const lastSeq = expectedSeq - 1n;
  if (headSeq !== null && (BigInt(headSeq) !== lastSeq || (lastSeq > 0n && headHash !== prevHash))) {
    return problem(
      'TRUNCATED',
      lastSeq + 1n,
      null,
      `the chain head records ${headSeq} events but the intact chain ends at event ${lastSeq}: the last events were deleted`,
    );
  }
  return null;
}
