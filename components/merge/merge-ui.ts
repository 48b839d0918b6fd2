/**
 * The merge dialog and the status after a merge, as one chunk the incidents queue's selection bar loads when the
 * analyst first asks to merge (dynamic import): the queue's first rows don't wait for the dialog's code (its
 * typeahead, reasons and the messaging client).
 */
export { MergeDialog } from './MergeDialog';
export { MergeStatus } from './MergeStatus';
