import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withCheckDigit } from '../contracts/vin.js';
import {
  type AddOnFacts,
  checkLenderEvent,
  type LenderEvent,
  planLenderEvent,
  type RawLenderEvent,
  readJsonEvent,
  rowOutcome,
} from './lender-event-rules.js';

const VIN = withCheckDigit('1FTFW1E50NF000001');
const TODAY = '2026-11-25';

function raw(overrides: Partial<RawLenderEvent> = {}): RawLenderEvent {
  return { vin: VIN, event: 'payoff', eventDate: '2026-10-01', odometer: '', reference: '', ...overrides };
}

describe('checkLenderEvent', () => {
  const cases: [string, Partial<RawLenderEvent>, string | null, string | null][] = [
    ['a payoff', {}, null, null],
    ['a repossession in capitals with spaces', { event: ' REPOSSESSION ' }, null, null],
    ['a total loss with odometer', { event: 'total_loss', odometer: '41000' }, null, null],
    ['a VIN with a bad check digit', { vin: '1FTFW1E50NF000001' }, 'invalid_vin', 'vin'],
    ['an unknown event', { event: 'foreclosure' }, 'unknown_lender_event', 'event'],
    ['a date that is not a date', { eventDate: '2026-02-30' }, 'invalid_date', 'eventDate'],
    ['a date written the US way', { eventDate: '10/01/2026' }, 'invalid_date', 'eventDate'],
    ['an event after today', { eventDate: '2026-11-26' }, 'event_date_in_future', 'eventDate'],
    ['an event today', { eventDate: TODAY }, null, null],
    ['a negative odometer', { odometer: '-5' }, 'validation_failed', 'odometer'],
    ['an odometer with decimals', { odometer: '100.5' }, 'validation_failed', 'odometer'],
    ['an overlong reference', { reference: 'x'.repeat(201) }, 'validation_failed', 'reference'],
  ];
  it.each(cases)('%s', (_name, overrides, code, param) => {
    const checked = checkLenderEvent(raw(overrides), TODAY);
    if (code === null) expect(checked.ok).toBe(true);
    else expect(checked).toMatchObject({ ok: false, code, param });
  });

  it('normalizes the event: upper-case VIN, odometer as a number, empty reference as null', () => {
    expect(checkLenderEvent(raw({ vin: VIN.toLowerCase(), odometer: '41000' }), TODAY)).toEqual({
      ok: true,
      event: { vin: VIN, event: 'payoff', eventDate: '2026-10-01', odometer: 41_000, reference: null },
    });
  });
});

describe('readJsonEvent', () => {
  const event = { vin: VIN, event: 'payoff', eventDate: '2026-10-01' };
  const cases: [string, unknown, Partial<RawLenderEvent> | null, string | null][] = [
    // name, the JSON entry, the text the rules then read (null: rejected), the rejection's param
    ['an event without odometer', event, { odometer: '' }, null],
    ['an odometer as a number', { ...event, odometer: 41_000 }, { odometer: '41000' }, null],
    ['an odometer of null', { ...event, odometer: null }, { odometer: '' }, null],
    [
      'an odometer with decimals (the rules refuse it)',
      { ...event, odometer: 100.5 },
      { odometer: '100.5' },
      null,
    ],
    ['an odometer as text', { ...event, odometer: '5' }, null, 'odometer'],
    ['an odometer as words', { ...event, odometer: 'about 20k' }, null, 'odometer'],
    ['an odometer as an object', { ...event, odometer: { miles: 5 } }, null, 'odometer'],
    ['a VIN as a number', { ...event, vin: 12_345_678_901_234 }, null, 'vin'],
    ['a date as a number', { ...event, eventDate: 20_261_001 }, null, 'eventDate'],
    ['a reference as text', { ...event, reference: 'LN-1' }, { reference: 'LN-1' }, null],
    ['a field that is not one', { ...event, colour: 'red' }, null, 'colour'],
    ['null', null, null, null],
    ['a list', [event], null, null],
  ];
  it.each(cases)('%s', (_name, entry, text, param) => {
    const read = readJsonEvent(entry);
    if (text === null) expect(read.rejection).toMatchObject({ code: 'validation_failed', param });
    else {
      expect(read.rejection).toBeNull();
      expect(read.raw).toMatchObject(text);
    }
  });
});

function addOn(overrides: Partial<AddOnFacts> = {}): AddOnFacts {
  return {
    id: 'c1',
    product: 'vsc',
    status: 'active',
    purchaseDate: '2026-01-15',
    expiresOn: '2029-01-15',
    expiresAtMiles: 66_000,
    odometerAtSale: 30_000,
    totalLossReported: false,
    ...overrides,
  };
}

const event = (overrides: Partial<LenderEvent> = {}): LenderEvent => ({
  vin: VIN,
  event: 'payoff',
  eventDate: '2026-10-01',
  odometer: 40_000,
  reference: null,
  ...overrides,
});

describe('planLenderEvent: what an event does to each add-on', () => {
  const cases: [string, Partial<LenderEvent>, Partial<AddOnFacts>, string][] = [
    ['payoff, active VSC → cancel', {}, {}, 'cancel'],
    ['payoff, active GAP → cancel', {}, { product: 'gap' }, 'cancel'],
    ['repossession, active GAP → cancel', { event: 'repossession' }, { product: 'gap' }, 'cancel'],
    ['total loss, active VSC → cancel', { event: 'total_loss' }, {}, 'cancel'],
    [
      'total loss, GAP → claimed, not cancelled',
      { event: 'total_loss' },
      { product: 'gap' },
      'claimed_not_cancelled',
    ],
    ['already cancelled → skipped', {}, { status: 'cancelled' }, 'already_cancelled'],
    ['void → not in force', {}, { status: 'void' }, 'not_in_force'],
    ['bought after the event → not in force', {}, { purchaseDate: '2026-10-02' }, 'not_in_force'],
    ['bought on the event date → cancel', {}, { purchaseDate: '2026-10-01' }, 'cancel'],
    ['expired before the event → not in force', {}, { expiresOn: '2026-09-30' }, 'not_in_force'],
    ['expires on the event date → cancel', {}, { expiresOn: '2026-10-01' }, 'cancel'],
    ['past its miles at the event → not in force', { odometer: 66_001 }, {}, 'not_in_force'],
    ['at its last mile → cancel', { odometer: 66_000 }, {}, 'cancel'],
    ['no odometer reported → the date decides', { odometer: null }, { expiresAtMiles: 31_000 }, 'cancel'],
    ['GAP has no mileage limit', { odometer: 900_000 }, { product: 'gap', expiresAtMiles: null }, 'cancel'],
    [
      'payoff after a total loss, GAP → left for its claim',
      {},
      { product: 'gap', totalLossReported: true },
      'claimed_not_cancelled',
    ],
    [
      'repossession after a total loss, GAP → left for its claim',
      { event: 'repossession' },
      { product: 'gap', totalLossReported: true },
      'claimed_not_cancelled',
    ],
    ['payoff after a total loss, VSC → cancel', {}, { totalLossReported: true }, 'cancel'],
  ];
  it.each(cases)('%s', (_name, eventOverrides, addOnOverrides, expected) => {
    const plan = planLenderEvent(event(eventOverrides), [addOn(addOnOverrides)]);
    expect(plan.kind).toBe('apply');
    if (plan.kind !== 'apply') return;
    const decision = plan.decisions[0]!;
    expect(decision.action === 'cancel' ? 'cancel' : decision.outcome).toBe(expected);
  });

  it('cancels as of the event date at the reported odometer, or at the reading at sale when none', () => {
    const plan = planLenderEvent(event({ odometer: null }), [addOn()]);
    expect(plan).toEqual({
      kind: 'apply',
      decisions: [{ contractId: 'c1', action: 'cancel', cancelOn: '2026-10-01', odometer: 30_000 }],
    });
  });

  it('a vehicle with no contract (the sender may see) is rejected', () => {
    expect(planLenderEvent(event(), [])).toMatchObject({ kind: 'reject', code: 'vehicle_not_found' });
  });

  const outcomes: [string, Partial<AddOnFacts>[], { status: string; code: string | null }][] = [
    [
      'one cancelled, one already → cancelled',
      [{}, { id: 'c2', status: 'cancelled' }],
      { status: 'cancelled', code: null },
    ],
    [
      'all already cancelled → already_cancelled',
      [{ status: 'cancelled' }],
      { status: 'skipped', code: 'already_cancelled' },
    ],
    [
      'not in force and already → not_in_force',
      [{ status: 'cancelled' }, { id: 'c2', status: 'void' }],
      { status: 'skipped', code: 'not_in_force' },
    ],
  ];
  it.each(outcomes)('row outcome: %s', (_name, addOns, expected) => {
    const plan = planLenderEvent(
      event(),
      addOns.map((o) => addOn(o)),
    );
    if (plan.kind !== 'apply') throw new Error('expected a plan');
    expect(rowOutcome(plan.decisions)).toEqual(expected);
  });
});

describe('property: applying an event twice changes nothing the second time', () => {
  const addOnArb = fc.record({
    id: fc.uuid(),
    product: fc.constantFrom('vsc' as const, 'gap' as const),
    status: fc.constantFrom('active' as const, 'cancelled' as const, 'void' as const, 'expired' as const),
    purchaseDate: fc.constantFrom('2025-06-01', '2026-01-15', '2026-10-01', '2026-11-01'),
    expiresOn: fc.constantFrom('2026-09-30', '2026-10-01', '2029-01-15'),
    expiresAtMiles: fc.option(fc.integer({ min: 0, max: 150_000 }), { nil: null }),
    odometerAtSale: fc.integer({ min: 0, max: 100_000 }),
    totalLossReported: fc.boolean(),
  });
  it('every add-on the first pass cancels is skipped as already cancelled by the second', () => {
    fc.assert(
      fc.property(
        fc.array(addOnArb, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('payoff' as const, 'repossession' as const, 'total_loss' as const),
        (addOns, type) => {
          const first = planLenderEvent(event({ event: type }), addOns);
          if (first.kind !== 'apply') return;
          const cancelled = new Set(
            first.decisions.filter((d) => d.action === 'cancel').map((d) => d.contractId),
          );
          const after = addOns.map((a) => (cancelled.has(a.id) ? { ...a, status: 'cancelled' as const } : a));
          const second = planLenderEvent(event({ event: type }), after);
          if (second.kind !== 'apply') throw new Error('the vehicle vanished');
          expect(second.decisions.some((d) => d.action === 'cancel')).toBe(false);
          expect(rowOutcome(second.decisions).status).toBe('skipped');
        },
      ),
    );
  });
});
