import { LocalDateResolver } from 'graphql-scalars';
import { Field, ID, InputType, Int } from 'type-graphql';

@InputType('RequestExtensionInput')
export class RequestExtensionInput {
  @Field(() => ID, { nullable: true, description: 'Made on the device; the same id again stores nothing new' })
  id?: string | null;
  @Field(() => ID) taskId!: string;
  @Field(() => Int, { description: 'The task version the request was made on; a stale one answers CONFLICT' })
  baseVersion!: number;
  @Field(() => LocalDateResolver) requestedDueOn!: string;
  @Field(() => String) reason!: string;
}
