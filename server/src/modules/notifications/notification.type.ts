import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../common/pagination.js';
import { NotificationKind } from './notification.entity.js';

@ObjectType('Notification', { description: 'An in-app message for the signed-in account' })
export class NotificationType {
  @Field(() => ID)
  id!: string;

  @Field(() => NotificationKind)
  kind!: NotificationKind;

  @Field(() => String)
  message!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  readAt?: Date | null;
}

export const NotificationConnection = ConnectionType('Notification', NotificationType);
