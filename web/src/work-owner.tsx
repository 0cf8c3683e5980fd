import { useQueries } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import { ApiError, type ApiPaths, type ApiSchema } from './api.js';
import { type StaffUser, staffRoleLabel } from './auth.js';
import { useFocusWhen } from './focus.js';
import { FieldError, FormSummary, useFormErrors } from './form-errors.js';
import { formatInstant } from './format.js';
import { apiQueryOptions, useApiMutation, useApiQuery, useRefetch } from './queries.js';

// Who owns a piece of queued work (src/work-queue/work-assignment), the same panel on every kind of
// work item: "Take this …" when nobody owns it, "Release" for its owner and for leads (adjusters and
// administrators), and for leads an "Assign to…" form: a labelled select of the colleagues whose role
// can open the item, an optional note for the audit trail, and a confirmation that names the person.
// Refusals are said in words next to the button or field they are about, and take focus.

export type Assignment = ApiSchema<'WorkAssignment'>;

/** The kinds of work the assignment endpoints know (their `:kind`). */
export type WorkKind = ApiPaths['/work-items/assignees']['get']['parameters']['query']['kind'];

/** What a change of owner makes stale: the item's owner, the lists' owners, my work and the queue. */
const ownerChanged = [
  '/work-items/{kind}/{id}/assignment',
  '/work-items/owners',
  '/my-work',
  '/work-queue',
] as const;

/** Adjusters and administrators hand work to others and release anyone's (as the API decides). */
export function isLead(user: Pick<StaffUser, 'role'>): boolean {
  return user.role === 'adjuster' || user.role === 'admin';
}

/** A refusal as a sentence for staff; 409 work_item_taken says what happened and what to do. */
function refusalSentence(error: unknown, noun: string): string {
  if (!(error instanceof ApiError)) return 'That did not work. Try again in a moment.';
  if (error.code === 'work_item_taken')
    return `Someone else took this ${noun} first, so it is not yours: ${error.detail}`;
  if (error.status === 403) return `Your role cannot do that with this ${noun}. ${error.detail}`;
  return error.detail;
}

function idempotent() {
  return { 'idempotency-key': crypto.randomUUID() };
}

function AssignForm({
  item,
  kind,
  noun,
  current,
  onAssigned,
  onCancel,
}: {
  item: { kind: WorkKind; id: string };
  kind: WorkKind;
  noun: string;
  current: Assignment['assignee'];
  onAssigned: (message: string) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const form = useFormErrors();
  const colleaguesQuery = useApiQuery('/work-items/assignees', { params: { query: { kind } } });
  const colleagues = colleaguesQuery.data?.data ?? null;
  const loadError = colleaguesQuery.isError ? refusalSentence(colleaguesQuery.error, noun) : null;
  const [assigneeId, setAssigneeId] = useState('');
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState(false);
  const assignment = useApiMutation('post', '/work-items/{kind}/{id}/assignment', {
    invalidates: ownerChanged,
  });
  const busy = assignment.isPending;
  const confirmRef = useRef<HTMLButtonElement>(null);
  const selectRef = useRef<HTMLSelectElement>(null);

  // The form opens on its first field; the confirmation, once asked for, takes focus.
  useFocusWhen(selectRef, colleagues);
  useFocusWhen(confirmRef, confirming);

  const chosen = colleagues?.find((colleague) => colleague.id === assigneeId);

  const review = (event: FormEvent) => {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!chosen) errors.assigneeId = `Choose the colleague who will own this ${noun}.`;
    else if (chosen.id === current?.id) errors.assigneeId = `${chosen.name} already owns this ${noun}.`;
    if (note.trim().length > 500) errors.note = 'Keep the note to 500 characters.';
    if (Object.keys(errors).length > 0) {
      form.show(errors);
      return;
    }
    form.clear();
    setConfirming(true);
  };

  const assign = () => {
    if (!chosen) return;
    assignment.mutate(
      {
        params: { path: item, header: idempotent() },
        body: { assigneeId: chosen.id, ...(note.trim() ? { note: note.trim() } : {}) },
      },
      {
        onSuccess: () => onAssigned(`${chosen.name} now owns this ${noun}.`),
        onError: (error) => {
          setConfirming(false);
          if (error.param === 'assigneeId') form.show({ assigneeId: error.detail });
          else if (error.param === 'note') form.show({ note: error.detail });
          else form.show({}, refusalSentence(error, noun));
        },
      },
    );
  };

  if (loadError)
    return (
      <p className="notice notice--error" role="alert">
        {loadError}
      </p>
    );
  if (!colleagues)
    return (
      <p className="muted" role="status">
        Loading colleagues…
      </p>
    );

  return (
    <form className="form" onSubmit={review} noValidate ref={form.formRef} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Assign this {noun}</h3>
      <FormSummary form={form} />
      <div className="field">
        <label htmlFor={`${id}-assignee`}>Assign to</label>
        <select
          id={`${id}-assignee`}
          ref={selectRef}
          value={assigneeId}
          disabled={confirming}
          onChange={(event) => setAssigneeId(event.target.value)}
          {...form.fieldProps('assigneeId', `${id}-assignee`)}
        >
          <option value="">Choose a colleague</option>
          {colleagues.map((colleague) => (
            <option key={colleague.id} value={colleague.id}>
              {colleague.name} ({staffRoleLabel(colleague.role)})
              {colleague.id === current?.id ? ', owns it now' : ''}
            </option>
          ))}
        </select>
        <FieldError id={`${id}-assignee`} message={form.errors.assigneeId} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-note`}>Note (optional)</label>
        <p className="hint" id={`${id}-note-hint`}>
          Why you hand it on; it is kept in the audit trail.
        </p>
        <textarea
          id={`${id}-note`}
          rows={2}
          maxLength={500}
          value={note}
          disabled={confirming}
          onChange={(event) => setNote(event.target.value)}
          aria-describedby={form.errors.note ? `${id}-note-hint ${id}-note-error` : `${id}-note-hint`}
          aria-invalid={form.errors.note ? true : undefined}
        />
        <FieldError id={`${id}-note`} message={form.errors.note} />
      </div>
      {confirming && chosen ? (
        <div className="card">
          <p id={`${id}-confirm`}>
            <strong>
              Assign this {noun} to {chosen.name}?
            </strong>{' '}
            {current ? `${current.name} will no longer own it.` : 'Nobody owns it now.'}
          </p>
          <p className="button-row">
            <button type="button" className="button" disabled={busy} onClick={assign} ref={confirmRef}>
              Yes, assign to {chosen.name}
            </button>{' '}
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                setConfirming(false);
                // Back to the choice, which is enabled again on the next paint.
                requestAnimationFrame(() => selectRef.current?.focus());
              }}
            >
              Change
            </button>
          </p>
        </div>
      ) : (
        <p className="button-row">
          <button type="submit" className="button">
            Assign
          </button>{' '}
          <button type="button" className="button button--secondary" onClick={onCancel}>
            Cancel
          </button>
        </p>
      )}
    </form>
  );
}

export function WorkOwner({
  kind,
  id,
  user,
  noun,
}: {
  kind: WorkKind;
  id: string;
  user: Pick<StaffUser, 'id' | 'role'>;
  /** What the item is called in sentences: "claim", "document review". */
  noun: string;
}) {
  const headingId = useId();
  const item = { kind, id };
  const assignmentQuery = useApiQuery('/work-items/{kind}/{id}/assignment', { params: { path: item } });
  const assignment = assignmentQuery.data ?? null;
  const loadError = assignmentQuery.isError ? refusalSentence(assignmentQuery.error, noun) : null;
  const refetch = useRefetch();
  const take = useApiMutation('post', '/work-items/{kind}/{id}/take', { invalidates: ownerChanged });
  const release = useApiMutation('post', '/work-items/{kind}/{id}/release', { invalidates: ownerChanged });
  const busy = take.isPending || release.isPending;
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [assigning, setAssigning] = useState(false);
  const alertRef = useRef<HTMLParagraphElement>(null);
  const assignButtonRef = useRef<HTMLButtonElement>(null);
  const lead = isLead(user);

  useFocusWhen(alertRef, error);

  function act(action: 'take' | 'release') {
    const before = assignment?.assignee ?? null;
    setError(null);
    setDone(null);
    (action === 'take' ? take : release).mutate(
      { params: { path: item, header: idempotent() } },
      {
        onSuccess: () =>
          setDone(
            action === 'take'
              ? `You have taken this ${noun}.`
              : before && before.id !== user.id
                ? `${before.name} no longer owns this ${noun}; it is back in the queue.`
                : `You released this ${noun}.`,
          ),
        onError: (failure) => {
          setError(refusalSentence(failure, noun));
          // Someone else may have changed the owner meanwhile: show who owns it now.
          void refetch(ownerChanged);
        },
      },
    );
  }

  if (loadError)
    return (
      <section className="card" aria-labelledby={headingId}>
        <h2 id={headingId}>Owner</h2>
        <p className="notice notice--error">{loadError}</p>
      </section>
    );
  if (!assignment) return null;
  const owner = assignment.assignee;
  const mine = owner?.id === user.id;
  const buttons: ReactNode[] = [];
  if (owner === null)
    buttons.push(
      <button key="take" type="button" className="button" disabled={busy} onClick={() => act('take')}>
        Take this {noun}
      </button>,
    );
  if (owner !== null && (mine || lead))
    buttons.push(
      <button
        key="release"
        type="button"
        className="button button--secondary"
        disabled={busy}
        onClick={() => act('release')}
      >
        {mine ? 'Release' : `Release it from ${owner.name}`}
      </button>,
    );
  if (lead && !assigning)
    buttons.push(
      <button
        key="assign"
        type="button"
        className="button button--secondary"
        ref={assignButtonRef}
        onClick={() => {
          setDone(null);
          setError(null);
          setAssigning(true);
        }}
      >
        Assign to…
      </button>,
    );
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Owner</h2>
      <p>
        {owner ? (mine ? 'You own this.' : `${owner.name} owns this.`) : `Nobody has taken this ${noun} yet.`}
        {owner && assignment.assignedAt ? (
          <span className="muted"> Since {formatInstant(assignment.assignedAt)}.</span>
        ) : null}
      </p>
      {done ? <p role="status">{done}</p> : null}
      {error ? (
        <p className="notice notice--error" role="alert" tabIndex={-1} ref={alertRef}>
          {error}
        </p>
      ) : null}
      {buttons.length > 0 ? <p className="button-row">{buttons}</p> : null}
      {owner !== null && !mine && !lead ? (
        <p className="muted">Only its owner or an adjuster can release it or hand it on.</p>
      ) : null}
      {lead && assigning ? (
        <AssignForm
          item={item}
          kind={kind}
          noun={noun}
          current={owner}
          onAssigned={(message) => {
            setAssigning(false);
            setDone(message);
            // The form closes: focus goes back to the button that opened it (the news is a status).
            requestAnimationFrame(() => assignButtonRef.current?.focus());
          }}
          onCancel={() => {
            setAssigning(false);
            // Focus returns to the button that opened the form (rendered again on the next paint).
            requestAnimationFrame(() => assignButtonRef.current?.focus());
          }}
        />
      ) : null}
    </section>
  );
}

export type Owners = ReadonlyMap<string, Assignment['assignee']>;

/**
 * The owners of the items a list shows (one kind; GET /work-items/owners, a page of ids at a time):
 * null while loading, and an empty map when they could not be read (the list still works without).
 */
export function useOwners(kind: WorkKind, ids: readonly string[] | null): Owners | null {
  const pages: string[][] = [];
  for (let start = 0; ids && start < ids.length; start += 100) pages.push(ids.slice(start, start + 100));
  return useQueries({
    queries: pages.map((page) =>
      apiQueryOptions('/work-items/owners', { params: { query: { kind, ids: page.join(',') } } }),
    ),
    combine: (answers) => {
      if (ids === null) return null;
      if (answers.some((answer) => answer.isError)) return new Map();
      if (answers.some((answer) => !answer.data)) return null;
      return new Map(
        answers.flatMap((answer) => (answer.data?.data ?? []).map((row) => [row.id, row.assignee] as const)),
      );
    },
  });
}

/** An owner as a list shows it: "You", their name, or "Nobody yet". */
export function ownerWords(owners: Owners | null, itemId: string, userId: string): string {
  if (owners === null) return '…';
  const owner = owners.get(itemId.toLowerCase()) ?? null;
  if (owner === null) return owners.has(itemId.toLowerCase()) ? 'Nobody yet' : '—';
  return owner.id === userId ? 'You' : owner.name;
}
