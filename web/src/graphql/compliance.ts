import { graphql } from './generated';

/** Periodic reporting compliance of a unit's subtree, by child unit, with the periods that went wrong. */
export const REPORTING_COMPLIANCE = graphql(`
  query ReportingCompliance($unitId: ID, $resolutionId: ID) {
    reportingCompliance(unitId: $unitId, resolutionId: $resolutionId) {
      today
      total {
        onTime
        late
        missing
        due
        onTimeRate
      }
      byUnit {
        own
        unit {
          id
          name
        }
        figures {
          onTime
          late
          missing
          due
          onTimeRate
        }
      }
      problems {
        taskId
        taskTitle
        indicatorId
        indicatorName
        periodKey
        dueOn
        receivedOn
        status
        unit {
          id
          name
        }
      }
    }
  }
`);
