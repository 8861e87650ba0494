import { Role } from '../../../src/modules/accounts/role.js';
import { lineOfCommand, onlyRoles, type MatrixEntry, type Outcome, type Position } from './matrix.js';

/**
 * Committee reads (analytics, warnings, evaluations, publications) of the fixture's unit: its
 * own line of command sees them, every other unit answers NOT_FOUND, whatever the role.
 */
const ofUnit = (operation: string, document: string): MatrixEntry => ({
  operation,
  document,
  variables: (fx) => ({ unitId: fx.units.unit.id, resolutionId: fx.resolution.id }),
  expect: lineOfCommand,
});

/** Leaders only; among them, those who can see the unit; `then` decides for those. */
const leaderSeeing = (then: (position: Position) => Outcome) =>
  onlyRoles([Role.LEADER], (_role, position) => (position === 'unit' || position === 'parent' ? then(position) : 'NOT_FOUND'));

export const entries: MatrixEntry[] = [
  ofUnit(
    'Query.analyticsSummary',
    `query($unitId: ID, $resolutionId: ID) { analyticsSummary(unitId: $unitId, resolutionId: $resolutionId) { __typename } }`,
  ),
  ofUnit(
    'Query.analyticsByChild',
    `query($unitId: ID, $resolutionId: ID) { analyticsByChild(unitId: $unitId, resolutionId: $resolutionId) { __typename } }`,
  ),
  ofUnit(
    'Query.analyticsTrend',
    `query($unitId: ID, $resolutionId: ID) { analyticsTrend(unitId: $unitId, resolutionId: $resolutionId) { __typename } }`,
  ),
  ofUnit(
    'Query.unitRanking',
    `query($unitId: ID, $resolutionId: ID) { unitRanking(unitId: $unitId, resolutionId: $resolutionId) { __typename } }`,
  ),
  ofUnit(
    'Query.syncHealth',
    `query($unitId: ID, $resolutionId: ID) { syncHealth(unitId: $unitId, resolutionId: $resolutionId) { __typename } }`,
  ),
  ofUnit(
    'Query.warnings',
    `query($unitId: ID, $resolutionId: ID) { warnings(unitId: $unitId, resolutionId: $resolutionId) { totalCount } }`,
  ),
  ofUnit(
    'Query.warningsAsOf',
    `query($unitId: ID, $resolutionId: ID) { warningsAsOf(unitId: $unitId, resolutionId: $resolutionId) }`,
  ),
  ofUnit(
    'Query.warningCounts',
    `query($unitId: ID, $resolutionId: ID) { warningCounts(unitId: $unitId, resolutionId: $resolutionId) { __typename } }`,
  ),
  ofUnit(
    'Query.evaluations',
    `query($unitId: ID, $resolutionId: ID) { evaluations(unitId: $unitId, resolutionId: $resolutionId) { totalCount } }`,
  ),
  {
    operation: 'Query.publications',
    document: `query($unitId: ID) { publications(unitId: $unitId) { __typename } }`,
    variables: (fx) => ({ unitId: fx.units.unit.id }),
    expect: lineOfCommand,
  },
  {
    // The fixture's task is led by the unit itself: only a leader above rates it.
    operation: 'Mutation.evaluateTask',
    document: `mutation($input: EvaluateTaskInput!) { evaluateTask(input: $input) { __typename } }`,
    variables: (fx) => ({ input: { taskId: fx.task.id, period: '2026-Q4', rating: 'DONE', comment: 'Đạt yêu cầu' } }),
    expect: leaderSeeing((position) => (position === 'parent' ? 'ALLOW' : 'FORBIDDEN')),
  },
  {
    operation: 'Mutation.publishResolution',
    document: `mutation($unitId: ID!, $resolutionId: ID!) { publishResolution(unitId: $unitId, resolutionId: $resolutionId) { __typename } }`,
    variables: (fx) => ({ unitId: fx.units.unit.id, resolutionId: fx.resolution.id }),
    expect: leaderSeeing(() => 'ALLOW'),
  },
  {
    operation: 'Mutation.withdrawPublication',
    document: `mutation($unitId: ID!, $resolutionId: ID!) { withdrawPublication(unitId: $unitId, resolutionId: $resolutionId) { __typename } }`,
    variables: (fx) => ({ unitId: fx.units.unit.id, resolutionId: fx.resolution.id }),
    expect: leaderSeeing(() => 'ALLOW'),
  },
];
