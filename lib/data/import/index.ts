/**
 * Import of Graph-shaped files: `parseImport` reads and validates a file (every problem in words, with its
 * JSON path), `writeImport` writes what it read in one transaction.
 */

export { findJsonError } from './json-position';
export { type ParsedImport, type ParseResult, parseImport } from './parse';
export { MAX_PROBLEMS } from './problems';
export { type ImportCounts, type WriteImportOptions, writeImport } from './write';
