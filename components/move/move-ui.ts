/**
 * The move flyout and the status after Save, as one chunk that toolbars load when the analyst opens the flyout
 * (dynamic import): views that list alerts open without the flyout's code (the popup's budget is 40 KB gzip).
 */
export { MoveFlyout } from './MoveFlyout';
export { MoveStatus } from './MoveStatus';
