/**
 * Our export's own format version, a top-level field next to Graph's `value` and our `activity`. The name
 * is ours (Graph's top-level fields are `value` and `@odata.*`), so a body straight from Graph never has it:
 * a file without it is read as a plain Graph body. A later format bumps the version, and a build that does
 * not know it refuses the file rather than guess at its meaning.
 */

export const EXPORT_FORMAT_KEY = 'incidentMoverExport';

/** The format this build writes, and the only one it reads besides a plain Graph body. */
export const EXPORT_FORMAT_VERSION = 1;
