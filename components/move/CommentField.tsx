/** The required `Comment`, with a counter near the limit and a note when a draft was restored. Props only. */
import { MAX_COMMENT } from '@/lib/messaging/protocol';

/** A counter appears under the comment from this many characters. */
export const COMMENT_COUNTER_FROM = 29_000;

export interface CommentFieldProps {
  /** The textarea's id (its label points at it). */
  id: string;
  /** The counter's id (it describes the textarea while shown). */
  counterId: string;
  comment: string;
  onComment(comment: string): void;
  disabled: boolean;
  /** A draft from last time was put back. */
  restored: boolean;
}

export function CommentField({ id, counterId, comment, onComment, disabled, restored }: CommentFieldProps) {
  const tooLong = comment.length > MAX_COMMENT;
  const counted = comment.length >= COMMENT_COUNTER_FROM;
  return (
    <div class="flyout-comment">
      <label for={id}>Comment</label>
      <textarea
        id={id}
        rows={5}
        required
        aria-required="true"
        aria-invalid={tooLong ? 'true' : undefined}
        aria-describedby={counted ? counterId : undefined}
        placeholder="Why do these alerts belong there?"
        value={comment}
        disabled={disabled}
        onInput={(e) => onComment(e.currentTarget.value)}
      />
      {counted && (
        <p id={counterId} class={tooLong ? 'error counter' : 'muted counter'} aria-live="polite">
          {comment.length.toLocaleString('en')} of {MAX_COMMENT.toLocaleString('en')} characters
          {tooLong
            ? `: ${(comment.length - MAX_COMMENT).toLocaleString('en')} too many. Shorten the comment.`
            : ''}
        </p>
      )}
      {restored && <p class="muted">Your unsaved comment from last time was restored.</p>}
    </div>
  );
}
