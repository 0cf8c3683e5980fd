// The life of a roadside request (docs/domain.md "Benefits", towing / roadside): it is requested, a
// provider is dispatched, and it is completed; it can be cancelled until it is completed. Staff move
// it along; the holder may only cancel a request no provider has been sent to yet.

export type RoadsideStatus = 'requested' | 'dispatched' | 'completed' | 'cancelled';

const NEXT: Record<RoadsideStatus, readonly RoadsideStatus[]> = {
  requested: ['dispatched', 'cancelled'],
  dispatched: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export type RoadsideMover = 'staff' | 'holder';

export type RoadsideTransition =
  | { ok: true }
  | { ok: false; code: 'invalid_status_transition' | 'forbidden' };

export function roadsideTransition(
  from: RoadsideStatus,
  to: RoadsideStatus,
  mover: RoadsideMover,
): RoadsideTransition {
  if (!NEXT[from].includes(to)) return { ok: false, code: 'invalid_status_transition' };
  if (mover === 'holder' && !(from === 'requested' && to === 'cancelled'))
    return { ok: false, code: 'forbidden' };
  return { ok: true };
}
