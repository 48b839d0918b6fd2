import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { MoverDB } from '@/lib/store/db';

let defaultDb: MoverDB | undefined;

/** The store extension pages read from (liveQuery). Tests provide a fresh one. */
export const DbContext = createContext<MoverDB | undefined>(undefined);

export function useDb(): MoverDB {
  const db = useContext(DbContext);
  if (db) return db;
  defaultDb ??= new MoverDB();
  return defaultDb;
}
