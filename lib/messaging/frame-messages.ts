/**
 * What the move flyout framed in a web page posts to the content script that framed it. Kept apart from the
 * protocol module so the content script can import it without a schema library.
 */
export const FLYOUT_MESSAGE_SOURCE = 'incident-mover-flyout';
