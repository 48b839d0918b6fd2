/**
 * A Dexie middleware that keeps a derived table (the counters, the incident cards) in step with the tables it
 * follows: every read-write transaction over a followed table also holds the derived one, and the followed
 * tables are wrapped so their writes make the derived writes before the transaction can commit. Where the schema
 * has no derived table yet (upgrade steps before the one that adds it), nothing is wrapped: that step writes it.
 */
import type { DBCore, DBCoreTable, Middleware } from 'dexie';

export function derivedTableMiddleware(spec: {
  name: string;
  /** The derived table. */
  table: string;
  follows(table: string): boolean;
  wrap(down: DBCore, table: DBCoreTable, name: string): DBCoreTable;
}): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: spec.name,
    create: (down) => {
      if (!down.schema.tables.some((t) => t.name === spec.table)) return down;
      return {
        ...down,
        transaction: (stores, mode, options) =>
          down.transaction(
            mode === 'readwrite' && stores.some(spec.follows) && !stores.includes(spec.table)
              ? [...stores, spec.table]
              : stores,
            mode,
            options,
          ),
        table: (name) => {
          const table = down.table(name);
          return spec.follows(name) ? spec.wrap(down, table, name) : table;
        },
      };
    },
  };
}
