/**
 * Queue queries: filters, sort and search from the URL hash (filters.ts) → a plan over one Dexie index
 * (plan.ts) → counts and pages of rows (read.ts); plus the filter options' distinct values (popup.ts).
 */
export {
  DEFAULT_FILTERS,
  FILTERS_OF,
  filtersToParams,
  type ListFilter,
  parseFilters,
  type QueueFilters,
  type QueueKind,
  TIME_RANGES,
  type TimeRange,
  UNASSIGNED,
} from './filters';
export { type PlanContext, planAlerts, planIncidentAlerts, planIncidents, type QueuePlan } from './plan';
export { distinctValues } from './popup';
export { countQueue, type QueueCount, readIds, readWindow, SCAN_CAP, ScanCache } from './read';
