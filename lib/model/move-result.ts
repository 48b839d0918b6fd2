/** What a move (or its undo) answers: where the alerts went, what it skipped and emptied, and its token. */
export interface MoveResult {
  destinationIncidentId: string;
  destinationName: string;
  createdIncident: boolean;
  movedAlertIds: string[];
  skippedAlertIds: string[];
  emptiedIncidentIds: string[];
  redirectedFrom?: string;
  undoToken: string;
}
