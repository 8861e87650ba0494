import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AttachmentStatus } from './attachment.entity.js';

@ObjectType('Attachment', { description: 'Evidence behind a report; the bytes are at `url` with your bearer token' })
export class AttachmentType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  fileName!: string;

  @Field(() => String, { description: 'Read from the bytes once verified' })
  contentType!: string;

  @Field(() => String)
  sha256!: string;

  @Field(() => Int)
  size!: number;

  @Field(() => Int)
  receivedBytes!: number;

  @Field(() => AttachmentStatus)
  status!: AttachmentStatus;

  @Field(() => String, { description: 'GET it with the bearer token once VERIFIED' })
  url!: string;
}
