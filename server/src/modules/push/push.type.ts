import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { NotificationKind } from '../notifications/notification.entity.js';

@ObjectType('PushSubscription', { description: 'One device of yours that receives push notifications' })
export class PushSubscriptionType {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => String, {
    description:
      "The device's notice key, given only in this answer: its service worker reads your unread notices with it (pushNotices) when no window of the app is open. It reads nothing else and ends with this sign-in",
  })
  readKey!: string;
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

@ObjectType('PushNotice', { description: 'An unread notice of the device’s account, as its service worker shows it' })
export class PushNoticeType {
  @Field(() => ID)
  id!: string;

  @Field(() => NotificationKind)
  kind!: NotificationKind;

  @Field(() => String)
  message!: string;

  @Field(() => ID, { nullable: true })
  taskId!: string | null;

  @Field(() => ID, { nullable: true })
  reportId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The title of the task it is about, for languages other than the message’s',
  })
  taskTitle!: string | null;

  @Field(() => Date)
  createdAt!: Date;
}
