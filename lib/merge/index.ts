/** Merge incidents and its Undo (DESIGN §8), for callers that run them (the background's router, tests). */
export { type MergeInput, type MergeRequest, mergeInput } from './input';
export { type MergeResult, mergeAsMoveResult, mergeIncidents } from './merge';
export {
  chooseSurvivor,
  MAX_MERGE,
  type MergeIncident,
  mergeProblems,
  REDIRECTED_TAG,
  tagsOf,
} from './rules';
export { isMergeRecord, undoMerge, unmergeProblem } from './unmerge';
