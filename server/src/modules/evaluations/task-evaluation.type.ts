import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { MaxLength } from 'class-validator';
import { ConnectionType } from '../../common/pagination.js';
import { EvaluationRating } from './score.js';

@ObjectType('TaskEvaluation', { description: 'A leader’s rating of a task for a period' })
export class TaskEvaluationType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: '2026, 2026-H2, 2026-Q4 or 2026-11' })
  period!: string;

  @Field(() => EvaluationRating)
  rating!: EvaluationRating;

  @Field(() => String, { nullable: true })
  comment?: string | null;

  @Field(() => Int)
  version!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@InputType()
export class EvaluateTaskInput {
  @Field(() => ID)
  taskId!: string;

  @Field(() => String, { description: '2026, 2026-H2, 2026-Q4 or 2026-11' })
  period!: string;

  @Field(() => EvaluationRating)
  rating!: EvaluationRating;

  @Field(() => String, { nullable: true })
  @MaxLength(2000)
  comment?: string | null;
}

export const TaskEvaluationConnection = ConnectionType('TaskEvaluation', TaskEvaluationType);
