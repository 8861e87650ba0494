import { graphql } from './generated';

/** How the devices of a unit's subtree sync, by child unit, and how far the derived figures trail the writes. */
export const SYNC_HEALTH = graphql(`
  query CommitteeSyncHealth($unitId: ID, $weeks: Int!) {
    syncHealth(unitId: $unitId, weeks: $weeks) {
      own
      unit {
        id
        name
      }
      reports
      lateArrivals
      averageLagHours
      maxLagHours
      lastReceivedAt
      devices
      lastSyncAt
    }
    derivedFreshness {
      currentTo
      lagSeconds
      unsealedAudit
    }
  }
`);

/** The time the derived figures (dashboards, warnings) are current to. */
export const DERIVED_FRESHNESS = graphql(`
  query DerivedFreshness {
    derivedFreshness {
      currentTo
      lagSeconds
    }
  }
`);
