import { Field, ID, InputType, ObjectType } from 'type-graphql';

@ObjectType('PushSubscription', { description: 'One device of yours that receives push notifications' })
export class PushSubscriptionType {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  createdAt!: Date;
}

@InputType({ description: "A browser's PushSubscription: its endpoint and keys (PushSubscription.toJSON())" })
export class PushSubscriptionInput {
  @Field(() => String)
  endpoint!: string;

  @Field(() => String, { description: 'The P-256 public key, base64url' })
  p256dh!: string;

  @Field(() => String, { description: 'The 16-byte auth secret, base64url' })
  auth!: string;
}
