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
  /**
   * Set when one change was saved as several moves (a split: one per new incident; its undo): every move's
   * token, `undoToken` first. Each goes to Graph as a move of its own; Undo of any reverts them all.
   */
  batchTokens?: string[];
  /** Set for a split: the incident split and the incidents it created, in group order. */
  split?: { incidentId: string; createdIncidentIds: string[] };
}
