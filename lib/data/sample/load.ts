import type { MoverDB } from '../../store/db';
import { type ImportCounts, writeImport } from '../import';
import { generateTenant } from './generate';
import type { SampleOptions } from './options';

/** Generates the sample tenant and writes it like an import (origin `local`). */
export function loadSample(
  db: MoverDB,
  opts: SampleOptions & { onProgress?: (done: number, total: number) => void },
): Promise<ImportCounts> {
  const { onProgress, ...sample } = opts;
  return writeImport(db, generateTenant(sample), { now: opts.now, origin: 'local', onProgress });
}
