import { registerEnumType } from 'type-graphql';

export enum ReportState {
  SUBMITTED = 'SUBMITTED',
  APPROVED = 'APPROVED',
  RETURNED = 'RETURNED',
}
registerEnumType(ReportState, { name: 'ReportState' });
