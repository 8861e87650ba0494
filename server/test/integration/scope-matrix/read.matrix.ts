import { anyone, lineOfCommand, type MatrixEntry } from './matrix.js';

/** The read API of the foundation: units, resolutions, plans, tasks, reports. */
export const entries: MatrixEntry[] = [
  { operation: 'Query.me', document: `{ me { id } }`, expect: anyone },
  { operation: 'Query.myUnit', document: `{ myUnit { id } }`, expect: anyone },
  {
    operation: 'Query.unit',
    document: `query($id: ID!) { unit(id: $id) { id } }`,
    variables: (fx) => ({ id: fx.units.unit.id }),
    expect: lineOfCommand,
  },
  { operation: 'Query.resolutions', document: `{ resolutions { id } }`, expect: anyone },
  {
    operation: 'Query.resolution',
    document: `query($id: ID!) { resolution(id: $id) { id } }`,
    variables: (fx) => ({ id: fx.resolution.id }),
    expect: anyone,
  },
  { operation: 'Query.actionPlans', document: `{ actionPlans { totalCount } }`, expect: anyone },
  {
    operation: 'Query.actionPlan',
    document: `query($id: ID!) { actionPlan(id: $id) { id } }`,
    variables: (fx) => ({ id: fx.plan.id }),
    expect: lineOfCommand,
  },
  { operation: 'Query.tasks', document: `{ tasks { totalCount } }`, expect: anyone },
  {
    operation: 'Query.task',
    document: `query($id: ID!) { task(id: $id) { id } }`,
    variables: (fx) => ({ id: fx.task.id }),
    expect: lineOfCommand,
  },
  {
    operation: 'Query.report',
    document: `query($id: ID!) { report(id: $id) { id } }`,
    variables: (fx) => ({ id: fx.report.id }),
    expect: lineOfCommand,
  },
];
