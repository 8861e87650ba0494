import { BadInputError } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws BAD_USER_INPUT naming `field` unless `id` is a UUID. */
export function assertUuid(field: string, id: string): void {
  if (!UUID.test(id)) throw new BadInputError(field, `${field} is not a valid id`);
}
