/** Merge incidents and its Undo (DESIGN §8), for callers that run them (the background's router, tests). */
export { type MergeInput, type MergeRequest, mergeInput } from './input';
export {
  isMergeRecord,
  type MergeResult,
  mergeAsMoveResult,
  mergeIncidents,
  undoMerge,
  unmergeProblem,
} from './merge';
export {
  chooseSurvivor,
  MAX_MERGE,
  type MergeIncident,
  mergeProblems,
  REDIRECTED_TAG,
  tagsOf,
} from './rules';
