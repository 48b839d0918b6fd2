/**
 * The side panel's views other than the two queues, as one chunk loaded when first shown (dynamic import): the
 * details views bring the move flyout, the merge and split dialogs and the activity log, and the empty state
 * the import; a queue, which most opens show, loads without them.
 */
export { EmptyState } from '@/components/data/EmptyState';
export { AlertDetails } from '@/components/details/AlertDetails';
export { IncidentDetails } from '@/components/details/IncidentDetails';
