import { registerEnumType } from 'type-graphql';

export enum Role {
  ADMIN = 'ADMIN',
  LEADER = 'LEADER',
  FOCAL = 'FOCAL',
  REPORTER = 'REPORTER',
  VIEWER = 'VIEWER',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'ADMIN manages accounts and units below; LEADER reviews; FOCAL assigns; REPORTER reports; VIEWER reads',
});
