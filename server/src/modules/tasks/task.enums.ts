import { registerEnumType } from 'type-graphql';

export enum TaskPriority {
  LOW = 'LOW',
  NORMAL = 'NORMAL',
  HIGH = 'HIGH',
  URGENT = 'URGENT',
}
registerEnumType(TaskPriority, { name: 'TaskPriority' });

/** Stored lifecycle; the status people see is derived from it, the dates and progress. */
export enum TaskState {
  OPEN = 'OPEN',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(TaskState, { name: 'TaskState' });

export enum TaskStatus {
  NOT_STARTED = 'NOT_STARTED',
  IN_PROGRESS = 'IN_PROGRESS',
  OVERDUE = 'OVERDUE',
  COMPLETED_ON_TIME = 'COMPLETED_ON_TIME',
  COMPLETED_LATE = 'COMPLETED_LATE',
  CANCELLED = 'CANCELLED',
}
registerEnumType(TaskStatus, {
  name: 'TaskStatus',
  description: 'Derived from the lifecycle, the due date and progress; never typed in',
});
