import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from '../../src/db/orm.js';

/**
 * How MikroORM maps every entity property (kind, JS runtime type, custom type and its mode), one
 * line each. Run directly (`node --import tsx test/support/entity-mapping.ts`) it prints the
 * mapping as the real server sees it, without decorator metadata.
 */
export async function entityMapping(): Promise<string[]> {
  const orm = await MikroORM.init({ ...ormOptions('postgres://127.0.0.1/unused'), connect: false });
  try {
    const lines: string[] = [];
    for (const meta of Object.values(orm.getMetadata().getAll())) {
      for (const prop of meta.props) {
        const custom = prop.customType as { constructor: { name: string }; mode?: string } | undefined;
        const type = custom ? `${custom.constructor.name}${custom.mode ? `(${custom.mode})` : ''}` : '-';
        lines.push(`${meta.className}.${prop.name} ${prop.kind} runtime=${prop.runtimeType} custom=${type}`);
      }
    }
    return lines.sort();
  } finally {
    await orm.close();
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  console.log(JSON.stringify(await entityMapping()));
}
