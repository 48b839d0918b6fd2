/** The move and its Undo, for callers that run them (the background's router, tests). */
export { type MoveContext, type MoveRequest, moveAlerts, moveStatus, NEXT_INCIDENT_ID_KEY } from './move';
export { type SplitInput, splitIncident, splitInput, splitProblem } from './split';
export { undoMove, undoProblem } from './undo';
