import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { DB_NAME, MoverDB } from '@/lib/store/db';

let defaultDb: MoverDB | undefined;

/** The store extension pages read from (liveQuery). Tests provide a fresh one. */
export const DbContext = createContext<MoverDB | undefined>(undefined);

export function useDb(): MoverDB {
  const db = useContext(DbContext);
  if (db) return db;
  // A newer build upgrading the schema closes this page's connection: reload to read with the new code.
  defaultDb ??= new MoverDB(DB_NAME, { onUpgradeElsewhere: () => location.reload() });
  return defaultDb;
}
