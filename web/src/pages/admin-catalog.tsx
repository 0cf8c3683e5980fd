import { useQueryClient } from '@tanstack/react-query';
import { type KeyboardEvent, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, type ApiSchema, apiClient } from '../api.js';
import {
  type CancellationRule,
  type CatalogDocument,
  type GapPlan,
  messagesByPath,
  type Plan,
  ROADSIDE_SERVICES,
  type StateRule,
  setAt,
  type TransferRule,
  type VscPlan,
} from '../catalog-document.js';
import {
  CheckField,
  type FieldMessages,
  MoneyField,
  MoneyListField,
  NumberField,
  SelectField,
  TextField,
} from '../catalog-fields.js';
import { formatCents, formatCount, formatInstant } from '../format.js';
import { PageHeading } from '../page-heading.js';
import { apiQueryKey, apiQueryOptions, errorMessage, useApiMutation, useApiQuery } from '../queries.js';
import { StaffOnly } from '../staff-only.js';
import { TableScroll } from '../table-scroll.js';
import { WhatIfEffect, type WhatIfResult } from '../what-if-effect.js';

// The catalog editor: administrators change the next catalog version with forms (plans, state rules,
// rate tables), see every field the draft changes beside the current value, see what it would do to
// the portfolio (the what-if), and publish it with a note. The draft is saved on the server as it is
// typed (one shared draft, so nothing is lost on a refresh), and each save answers the catalog
// validator's messages, shown beside the fields they are about. The JSON stays as an advanced view.

/**
 * The shared draft as the API answers it. The API document leaves the catalog itself open
 * (`document: unknown`; the server's catalog schema is the authority), so the editor reads it as
 * the CatalogDocument its forms edit.
 */
type Draft = Omit<ApiSchema<'CatalogDraft'>, 'document'> & { document: CatalogDocument };

const draftKey = apiQueryKey('/catalog/draft', undefined);

type Tab = 'plans' | 'states' | 'rates' | 'changes' | 'effect' | 'json';
const TABS: { id: Tab; label: string; prefix: string | null }[] = [
  { id: 'plans', label: 'Plans', prefix: '/plans' },
  { id: 'states', label: 'State rules', prefix: '/stateRules' },
  { id: 'rates', label: 'Rate tables', prefix: '/rating' },
  { id: 'changes', label: 'Changes', prefix: null },
  { id: 'effect', label: 'Effect and publish', prefix: null },
  { id: 'json', label: 'JSON (advanced)', prefix: null },
];

const METHOD_OPTIONS = [
  { value: 'pro_rata', label: 'Pro rata by days' },
  { value: 'rule_of_78s', label: 'Rule of 78s' },
] as const;

const SERVICE_WORDS: Record<string, string> = {
  tow: 'Towing',
  jump_start: 'Jump start',
  flat_tire: 'Flat tire',
  lockout: 'Lockout',
  fuel_delivery: 'Fuel delivery',
};

type SaveState = 'saved' | 'saving' | 'failed';

/** Saves one document at a time; edits made while a save runs are sent together after it. */
function useDraftSaver(onSaved: (draft: Draft) => void, onFailed: (error: unknown) => void) {
  const pending = useRef<CatalogDocument | null>(null);
  const running = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const revision = useRef(0);
  const [state, setState] = useState<SaveState>('saved');

  const controls = useMemo(() => {
    async function flush(): Promise<void> {
      if (running.current || !pending.current) return;
      running.current = true;
      setState('saving');
      const document = pending.current;
      pending.current = null;
      try {
        // A save queue (one save at a time, edits in between sent together), so the typed call is
        // made here rather than through useApiMutation.
        const saved = (await apiClient.PUT('/catalog/draft', {
          body: { revision: revision.current, document },
        })) as Draft;
        revision.current = saved.revision;
        onSaved(saved);
        if (!pending.current) setState('saved');
      } catch (error) {
        pending.current = null;
        setState('failed');
        onFailed(error);
      } finally {
        running.current = false;
        if (pending.current) void flush();
      }
    }
    return {
      setRevision(value: number) {
        revision.current = value;
        setState('saved');
      },
      schedule(document: CatalogDocument) {
        pending.current = document;
        setState('saving');
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(() => void flush(), 400);
      },
    };
  }, [onSaved, onFailed]);

  return { state, ...controls };
}

function formatValue(value: unknown, cents: boolean): string {
  if (value === null || value === undefined) return '—';
  if (cents && typeof value === 'number') return formatCents(value);
  if (cents && Array.isArray(value)) return value.map((v) => formatCents(Number(v))).join(', ');
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

function Tabs({
  tab,
  onChange,
  counts,
}: {
  tab: Tab;
  onChange: (tab: Tab) => void;
  counts: Record<Tab, number>;
}) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = TABS.findIndex((t) => t.id === tab);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = TABS[(index + step + TABS.length) % TABS.length]!;
    onChange(next.id);
    refs.current[next.id]?.focus();
  }
  return (
    <div role="tablist" aria-label="Parts of the catalog" className="tab-list" onKeyDown={onKeyDown}>
      {TABS.map((t) => (
        <button
          key={t.id}
          ref={(element) => {
            refs.current[t.id] = element;
          }}
          type="button"
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={tab === t.id}
          aria-controls={`panel-${t.id}`}
          tabIndex={tab === t.id ? 0 : -1}
          className={tab === t.id ? 'button' : 'button button--secondary'}
          onClick={() => onChange(t.id)}
        >
          {t.label}
          {counts[t.id] > 0 ? (
            <span>
              {' '}
              ({counts[t.id]}
              <span className="visually-hidden">{t.id === 'changes' ? ' changes' : ' problems'}</span>)
            </span>
          ) : null}
        </button>
      ))}
    </div>
  );
}

function Fieldset({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="card card--wide" style={{ marginBottom: '1rem' }}>
      <legend>
        <strong>{legend}</strong>
      </legend>
      {children}
    </fieldset>
  );
}

interface Editing {
  messages: FieldMessages;
  set: (path: string, value: unknown) => void;
}

function CancellationFields({
  rule,
  base,
  plan,
  edit,
}: {
  rule: CancellationRule;
  base: string;
  plan: Plan;
  edit: Editing;
}) {
  const methods = METHOD_OPTIONS.filter((m) => plan.allowedCancellationMethods.includes(m.value));
  return (
    <Fieldset legend="Cancellation">
      <NumberField
        label="Free look (days)"
        hint="A cancellation with no claims within these days is refunded in full."
        path={`${base}/freeLookDays`}
        messages={edit.messages}
        value={rule.freeLookDays}
        onChange={(v) => edit.set(`${base}/freeLookDays`, v)}
      />
      <SelectField
        label="Refund method"
        path={`${base}/method`}
        messages={edit.messages}
        value={rule.method}
        options={methods.length > 0 ? methods : METHOD_OPTIONS}
        onChange={(v) => edit.set(`${base}/method`, v)}
      />
      <MoneyField
        label="Cancellation fee"
        path={`${base}/adminFeeCents`}
        messages={edit.messages}
        value={rule.adminFeeCents}
        onChange={(v) => edit.set(`${base}/adminFeeCents`, v)}
      />
      <NumberField
        label="Fee at most this share of the price (%)"
        hint="Leave empty for no cap."
        path={`${base}/adminFeeMaxBasisPointsOfPrice`}
        messages={edit.messages}
        optional
        decimals
        value={rule.adminFeeMaxBasisPointsOfPrice === null ? null : rule.adminFeeMaxBasisPointsOfPrice / 100}
        onChange={(v) =>
          edit.set(`${base}/adminFeeMaxBasisPointsOfPrice`, v === null ? null : Math.round(v * 100))
        }
      />
      <CheckField
        label="Claims paid are deducted from the refund"
        path={`${base}/claimsDeducted`}
        messages={edit.messages}
        checked={rule.claimsDeducted}
        onChange={(v) => edit.set(`${base}/claimsDeducted`, v)}
      />
      <NumberField
        label="Refund due within (days)"
        hint="Empty: 30 days."
        path={`${base}/refundDueDays`}
        messages={edit.messages}
        optional
        value={rule.refundDueDays ?? null}
        onChange={(v) => edit.set(`${base}/refundDueDays`, v === null ? undefined : v)}
      />
    </Fieldset>
  );
}

function TransferFields({ rule, base, edit }: { rule: TransferRule; base: string; edit: Editing }) {
  return (
    <Fieldset legend="Transfer">
      <CheckField
        label="Transfers are allowed"
        path={`${base}/allowed`}
        messages={edit.messages}
        checked={rule.allowed}
        onChange={(v) => edit.set(`${base}/allowed`, v)}
      />
      <MoneyField
        label="Transfer fee"
        path={`${base}/feeCents`}
        messages={edit.messages}
        value={rule.feeCents}
        onChange={(v) => edit.set(`${base}/feeCents`, v)}
      />
      <NumberField
        label="Report within (days of the sale)"
        path={`${base}/windowDays`}
        messages={edit.messages}
        value={rule.windowDays}
        onChange={(v) => edit.set(`${base}/windowDays`, v)}
      />
      <CheckField
        label="Private sales only (not a dealer sale or trade-in)"
        path={`${base}/privateSaleOnly`}
        messages={edit.messages}
        checked={rule.privateSaleOnly}
        onChange={(v) => edit.set(`${base}/privateSaleOnly`, v)}
      />
    </Fieldset>
  );
}

/**
 * How many business days staff have to review a rental or trip-interruption claim (the work queue's
 * due date); empty leaves the field out, and the document-review setting applies.
 */
function ReviewDaysField({
  benefit,
  path,
  value,
  edit,
}: {
  benefit: string;
  path: string;
  value: number | undefined;
  edit: Editing;
}) {
  return (
    <NumberField
      label={`${benefit} claims reviewed within (business days)`}
      hint="After the business day the claim is filed, 0 to 60. Empty: the document-review setting."
      path={`${path}/reviewBusinessDays`}
      messages={edit.messages}
      optional
      value={value ?? null}
      onChange={(v) => edit.set(`${path}/reviewBusinessDays`, v === null ? undefined : v)}
    />
  );
}

function VscPlanFields({ plan, base, edit }: { plan: VscPlan; base: string; edit: Editing }) {
  const rental = plan.benefits.rental;
  const trip = plan.benefits.tripInterruption;
  return (
    <>
      <Fieldset legend="Terms and deductibles">
        <TableScroll labelledBy={`${base}-terms-caption`}>
          <table className="table">
            <caption id={`${base}-terms-caption`}>Terms sold</caption>
            <thead>
              <tr>
                <th scope="col">Months</th>
                <th scope="col">Miles</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {plan.termOptions.map((term, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a term row is its position in the list
                <tr key={index}>
                  <td>
                    <NumberField
                      label={`Months of term ${index + 1}`}
                      path={`${base}/termOptions/${index}/months`}
                      messages={edit.messages}
                      value={term.months}
                      onChange={(v) => edit.set(`${base}/termOptions/${index}/months`, v)}
                    />
                  </td>
                  <td>
                    <NumberField
                      label={`Miles of term ${index + 1}`}
                      path={`${base}/termOptions/${index}/miles`}
                      messages={edit.messages}
                      value={term.miles}
                      onChange={(v) => edit.set(`${base}/termOptions/${index}/miles`, v)}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button--secondary"
                      onClick={() => edit.set(`${base}/termOptions/${index}`, undefined)}
                    >
                      Remove<span className="visually-hidden"> term {index + 1}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
        <p>
          <button
            type="button"
            className="button button--secondary"
            onClick={() =>
              edit.set(`${base}/termOptions/${plan.termOptions.length}`, { months: 12, miles: 12_000 })
            }
          >
            Add a term
          </button>
        </p>
        <MoneyListField
          label="Deductibles the buyer may choose"
          hint="Dollars, separated by commas."
          path={`${base}/deductibleOptionsCents`}
          messages={edit.messages}
          value={plan.deductibleOptionsCents}
          onChange={(v) => edit.set(`${base}/deductibleOptionsCents`, v)}
        />
        <SelectField
          label="The deductible applies per"
          path={`${base}/deductiblePer`}
          messages={edit.messages}
          value={plan.deductiblePer}
          options={[
            { value: 'repair_visit', label: 'Repair visit' },
            { value: 'repair_line', label: 'Repair line' },
          ]}
          onChange={(v) => edit.set(`${base}/deductiblePer`, v)}
        />
        <MoneyField
          label="Disappearing deductible at the selling dealer"
          hint="Leave empty for none."
          path={`${base}/disappearingDeductibleCents`}
          messages={edit.messages}
          optional
          value={plan.disappearingDeductibleCents}
          onChange={(v) => edit.set(`${base}/disappearingDeductibleCents`, v)}
        />
      </Fieldset>
      <Fieldset legend="Rental">
        <CheckField
          label="Rental is part of this plan"
          path={`${base}/benefits/rental`}
          messages={edit.messages}
          checked={rental !== null}
          onChange={(on) =>
            edit.set(
              `${base}/benefits/rental`,
              on
                ? {
                    dailyLimitCents: 3_500,
                    perVisitLimitCents: 17_500,
                    minLaborHours: 2,
                    overnightQualifies: true,
                  }
                : null,
            )
          }
        />
        {rental ? (
          <>
            <MoneyField
              label="Rental daily limit"
              path={`${base}/benefits/rental/dailyLimitCents`}
              messages={edit.messages}
              value={rental.dailyLimitCents}
              onChange={(v) => edit.set(`${base}/benefits/rental/dailyLimitCents`, v)}
            />
            <MoneyField
              label="Rental limit per repair visit"
              path={`${base}/benefits/rental/perVisitLimitCents`}
              messages={edit.messages}
              value={rental.perVisitLimitCents}
              onChange={(v) => edit.set(`${base}/benefits/rental/perVisitLimitCents`, v)}
            />
            <NumberField
              label="Labor-guide hours that qualify for rental"
              path={`${base}/benefits/rental/minLaborHours`}
              messages={edit.messages}
              decimals
              value={rental.minLaborHours}
              onChange={(v) => edit.set(`${base}/benefits/rental/minLaborHours`, v)}
            />
            <CheckField
              label="Keeping the vehicle overnight also qualifies"
              path={`${base}/benefits/rental/overnightQualifies`}
              messages={edit.messages}
              checked={rental.overnightQualifies}
              onChange={(v) => edit.set(`${base}/benefits/rental/overnightQualifies`, v)}
            />
            <ReviewDaysField
              benefit="Rental"
              path={`${base}/benefits/rental`}
              value={rental.reviewBusinessDays}
              edit={edit}
            />
          </>
        ) : null}
      </Fieldset>
      <Fieldset legend="Trip interruption">
        <CheckField
          label="Trip interruption is part of this plan"
          path={`${base}/benefits/tripInterruption`}
          messages={edit.messages}
          checked={trip !== null}
          onChange={(on) =>
            edit.set(
              `${base}/benefits/tripInterruption`,
              on ? { dailyLimitCents: 10_000, maxDays: 3, minMilesFromHome: 100 } : null,
            )
          }
        />
        {trip ? (
          <>
            <MoneyField
              label="Trip interruption daily limit"
              path={`${base}/benefits/tripInterruption/dailyLimitCents`}
              messages={edit.messages}
              value={trip.dailyLimitCents}
              onChange={(v) => edit.set(`${base}/benefits/tripInterruption/dailyLimitCents`, v)}
            />
            <NumberField
              label="Most days paid"
              path={`${base}/benefits/tripInterruption/maxDays`}
              messages={edit.messages}
              value={trip.maxDays}
              onChange={(v) => edit.set(`${base}/benefits/tripInterruption/maxDays`, v)}
            />
            <NumberField
              label="Miles from home, more than"
              path={`${base}/benefits/tripInterruption/minMilesFromHome`}
              messages={edit.messages}
              value={trip.minMilesFromHome}
              onChange={(v) => edit.set(`${base}/benefits/tripInterruption/minMilesFromHome`, v)}
            />
            <ReviewDaysField
              benefit="Trip interruption"
              path={`${base}/benefits/tripInterruption`}
              value={trip.reviewBusinessDays}
              edit={edit}
            />
          </>
        ) : null}
      </Fieldset>
      <Fieldset legend="Roadside">
        <MoneyField
          label="Roadside limit per event"
          path={`${base}/benefits/roadside/perEventLimitCents`}
          messages={edit.messages}
          value={plan.benefits.roadside.perEventLimitCents}
          onChange={(v) => edit.set(`${base}/benefits/roadside/perEventLimitCents`, v)}
        />
        {ROADSIDE_SERVICES.map((service) => (
          <CheckField
            key={service}
            label={SERVICE_WORDS[service] ?? service}
            path={`${base}/benefits/roadside/services`}
            messages={new Map()}
            checked={plan.benefits.roadside.services.includes(service)}
            onChange={(on) =>
              edit.set(
                `${base}/benefits/roadside/services`,
                on
                  ? [...plan.benefits.roadside.services, service]
                  : plan.benefits.roadside.services.filter((s) => s !== service),
              )
            }
          />
        ))}
      </Fieldset>
      <Fieldset legend="Claims">
        <MoneyField
          label="Inspection above"
          path={`${base}/claims/inspectionThresholdCents`}
          messages={edit.messages}
          value={plan.claims.inspectionThresholdCents}
          onChange={(v) => edit.set(`${base}/claims/inspectionThresholdCents`, v)}
        />
        <MoneyField
          label="Highest hourly labor rate paid"
          hint="Leave empty to pay the shop's posted rate."
          path={`${base}/claims/laborRateCapCents`}
          messages={edit.messages}
          optional
          value={plan.claims.laborRateCapCents}
          onChange={(v) => edit.set(`${base}/claims/laborRateCapCents`, v)}
        />
        <NumberField
          label="Repair order due within (days of authorization)"
          path={`${base}/claims/repairOrderDueDays`}
          messages={edit.messages}
          value={plan.claims.repairOrderDueDays}
          onChange={(v) => edit.set(`${base}/claims/repairOrderDueDays`, v)}
        />
      </Fieldset>
    </>
  );
}

function GapPlanFields({ plan, base, edit }: { plan: GapPlan; base: string; edit: Editing }) {
  const g = `${base}/gap`;
  return (
    <Fieldset legend="GAP benefit">
      <MoneyField
        label="Most paid for one loss"
        path={`${g}/maxBenefitCents`}
        messages={edit.messages}
        value={plan.gap.maxBenefitCents}
        onChange={(v) => edit.set(`${g}/maxBenefitCents`, v)}
      />
      <MoneyField
        label="Insurance deductible added back, at most"
        path={`${g}/deductibleCoverMaxCents`}
        messages={edit.messages}
        value={plan.gap.deductibleCoverMaxCents}
        onChange={(v) => edit.set(`${g}/deductibleCoverMaxCents`, v)}
      />
      <NumberField
        label="Loan-to-value cap (% of MSRP or retail book)"
        path={`${g}/ltvCapBasisPoints`}
        messages={edit.messages}
        decimals
        value={plan.gap.ltvCapBasisPoints / 100}
        onChange={(v) => edit.set(`${g}/ltvCapBasisPoints`, v === null ? null : Math.round(v * 100))}
      />
      <NumberField
        label="Documents due within (days of the insurer's settlement)"
        path={`${g}/documentsDueDays`}
        messages={edit.messages}
        value={plan.gap.documentsDueDays}
        onChange={(v) => edit.set(`${g}/documentsDueDays`, v)}
      />
      <NumberField
        label="Payments past due more than (days) are removed from the payoff"
        path={`${g}/pastDueMinDays`}
        messages={edit.messages}
        value={plan.gap.pastDueMinDays}
        onChange={(v) => edit.set(`${g}/pastDueMinDays`, v)}
      />
    </Fieldset>
  );
}

function PlansPanel({ doc, edit }: { doc: CatalogDocument; edit: Editing }) {
  const [selected, setSelected] = useState(0);
  const index = Math.min(selected, doc.plans.length - 1);
  const plan = doc.plans[index];
  if (!plan) return <p>The catalog has no plans.</p>;
  const base = `/plans/${index}`;
  return (
    <>
      <div className="field">
        <label htmlFor="catalog-plan">Plan</label>
        <select id="catalog-plan" value={index} onChange={(e) => setSelected(Number(e.target.value))}>
          {doc.plans.map((p, i) => {
            const problems = [...edit.messages.keys()].filter((path) =>
              path.startsWith(`/plans/${i}/`),
            ).length;
            return (
              <option key={p.code} value={i}>
                {p.name} ({p.product === 'gap' ? 'GAP' : 'VSC'}){problems ? ` — ${problems} to fix` : ''}
              </option>
            );
          })}
        </select>
      </div>
      <Fieldset legend="Plan">
        <TextField
          label="Name shown to people"
          path={`${base}/name`}
          messages={edit.messages}
          value={plan.name}
          onChange={(v) => edit.set(`${base}/name`, v)}
        />
        <TextField
          label="Notes for administrators"
          path={`${base}/description`}
          messages={edit.messages}
          multiline
          value={plan.description ?? ''}
          onChange={(v) => edit.set(`${base}/description`, v === '' ? undefined : v)}
        />
      </Fieldset>
      {plan.product === 'vsc' ? (
        <VscPlanFields plan={plan} base={base} edit={edit} />
      ) : (
        <GapPlanFields plan={plan} base={base} edit={edit} />
      )}
      <CancellationFields rule={plan.cancellation} base={`${base}/cancellation`} plan={plan} edit={edit} />
      <TransferFields rule={plan.transfer} base={`${base}/transfer`} edit={edit} />
    </>
  );
}

function tri(value: boolean | undefined): string {
  return value === undefined ? '' : value ? 'yes' : 'no';
}

function StateRulesPanel({ doc, edit }: { doc: CatalogDocument; edit: Editing }) {
  const rules = doc.stateRules;
  const add = () => {
    let n = rules.length + 1;
    while (rules.some((r) => r.id === `new-rule-${n}`)) n++;
    const rule: StateRule = {
      id: `new-rule-${n}`,
      state: '',
      products: ['vsc'],
      sentence: '',
      overrides: {},
    };
    edit.set(`/stateRules/${rules.length}`, rule);
  };
  return (
    <>
      <p>
        A state rule overrides a plan's terms for contracts bought in that state. Leave a box empty to keep
        the plan's own term.
      </p>
      {rules.map((rule, i) => {
        const base = `/stateRules/${i}`;
        const setTri = (field: 'tripInterruptionAvailable' | 'rentalAvailable', value: string) =>
          edit.set(`${base}/overrides/${field}`, value === '' ? undefined : value === 'yes');
        return (
          <Fieldset key={rule.id} legend={`${rule.state || 'New'} — ${rule.id}`}>
            <div className="form-grid">
              <TextField
                label="Rule id"
                path={`${base}/id`}
                messages={edit.messages}
                value={rule.id}
                onChange={(v) => edit.set(`${base}/id`, v)}
              />
              <TextField
                label="State"
                path={`${base}/state`}
                messages={edit.messages}
                value={rule.state}
                onChange={(v) => edit.set(`${base}/state`, v.toUpperCase())}
              />
              <SelectField
                label="Applies to"
                path={`${base}/products`}
                messages={edit.messages}
                value={rule.products.join(',') as 'vsc' | 'gap' | 'vsc,gap'}
                options={[
                  { value: 'vsc', label: 'VSC plans' },
                  { value: 'gap', label: 'GAP plans' },
                  { value: 'vsc,gap', label: 'Both' },
                ]}
                onChange={(v) => edit.set(`${base}/products`, v.split(','))}
              />
            </div>
            <TextField
              label="The rule in plain English, for the holder"
              path={`${base}/sentence`}
              messages={edit.messages}
              multiline
              value={rule.sentence}
              onChange={(v) => edit.set(`${base}/sentence`, v)}
            />
            <div className="form-grid">
              <SelectField
                label="Trip interruption"
                path={`${base}/overrides/tripInterruptionAvailable`}
                messages={edit.messages}
                value={tri(rule.overrides.tripInterruptionAvailable)}
                options={[
                  { value: '', label: 'As the plan says' },
                  { value: 'yes', label: 'Available' },
                  { value: 'no', label: 'Not available' },
                ]}
                onChange={(v) => setTri('tripInterruptionAvailable', v)}
              />
              <SelectField
                label="Rental"
                path={`${base}/overrides/rentalAvailable`}
                messages={edit.messages}
                value={tri(rule.overrides.rentalAvailable)}
                options={[
                  { value: '', label: 'As the plan says' },
                  { value: 'yes', label: 'Available' },
                  { value: 'no', label: 'Not available' },
                ]}
                onChange={(v) => setTri('rentalAvailable', v)}
              />
              <NumberField
                label="Free look (days)"
                path={`${base}/overrides/cancellation/freeLookDays`}
                messages={edit.messages}
                optional
                value={rule.overrides.cancellation?.freeLookDays ?? null}
                onChange={(v) =>
                  edit.set(`${base}/overrides/cancellation/freeLookDays`, v === null ? undefined : v)
                }
              />
              <MoneyField
                label="Cancellation fee"
                path={`${base}/overrides/cancellation/adminFeeCents`}
                messages={edit.messages}
                optional
                value={rule.overrides.cancellation?.adminFeeCents ?? null}
                onChange={(v) =>
                  edit.set(`${base}/overrides/cancellation/adminFeeCents`, v === null ? undefined : v)
                }
              />
              <NumberField
                label="Refund due within (days)"
                path={`${base}/overrides/cancellation/refundDueDays`}
                messages={edit.messages}
                optional
                value={rule.overrides.cancellation?.refundDueDays ?? null}
                onChange={(v) =>
                  edit.set(`${base}/overrides/cancellation/refundDueDays`, v === null ? undefined : v)
                }
              />
              <MoneyField
                label="Transfer fee"
                path={`${base}/overrides/transfer/feeCents`}
                messages={edit.messages}
                optional
                value={rule.overrides.transfer?.feeCents ?? null}
                onChange={(v) => edit.set(`${base}/overrides/transfer/feeCents`, v === null ? undefined : v)}
              />
            </div>
            {edit.messages.get(`${base}/overrides`) ? (
              <p className="field-error">{edit.messages.get(`${base}/overrides`)}</p>
            ) : null}
            <button
              type="button"
              className="button button--secondary"
              onClick={() => edit.set(base, undefined)}
            >
              Remove the rule {rule.id}
            </button>
          </Fieldset>
        );
      })}
      <p>
        <button type="button" className="button button--secondary" onClick={add}>
          Add a state rule
        </button>
      </p>
    </>
  );
}

function RatesPanel({ doc, edit }: { doc: CatalogDocument; edit: Editing }) {
  const rating = doc.rating;
  if (!rating) return <p>This catalog has no rate tables: dealers cannot rate its plans.</p>;
  const planName = (code: string) => doc.plans.find((p) => p.code === code)?.name ?? code;
  const className = (code: string) => rating.vehicleClasses.find((c) => c.code === code)?.name ?? code;
  return (
    <>
      <Fieldset legend="Dealer pricing">
        <div className="form-grid">
          <MoneyField
            label="Most a dealer may mark up"
            path="/rating/maxMarkupCents"
            messages={edit.messages}
            value={rating.maxMarkupCents}
            onChange={(v) => edit.set('/rating/maxMarkupCents', v)}
          />
          <NumberField
            label="A rate may be booked for (days)"
            path="/rating/rateValidityDays"
            messages={edit.messages}
            value={rating.rateValidityDays}
            onChange={(v) => edit.set('/rating/rateValidityDays', v)}
          />
          <NumberField
            label="Void window (days after the sale)"
            path="/rating/voidWindowDays"
            messages={edit.messages}
            value={rating.voidWindowDays}
            onChange={(v) => edit.set('/rating/voidWindowDays', v)}
          />
        </div>
      </Fieldset>
      <TableScroll labelledBy="vsc-rates-caption">
        <table className="table">
          <caption id="vsc-rates-caption">VSC dealer cost by plan, vehicle class and term</caption>
          <thead>
            <tr>
              <th scope="col">Plan</th>
              <th scope="col">Vehicle class</th>
              <th scope="col">Term</th>
              <th scope="col">Dealer cost</th>
            </tr>
          </thead>
          <tbody>
            {rating.vscRates.map((rate, i) => (
              <tr key={`${rate.planCode}-${rate.vehicleClass}-${rate.termMonths}-${rate.termMiles}`}>
                <td>{planName(rate.planCode)}</td>
                <td>{className(rate.vehicleClass)}</td>
                <td>
                  {rate.termMonths} months / {formatCount(rate.termMiles)} miles
                </td>
                <td>
                  <MoneyField
                    label={`Dealer cost, ${planName(rate.planCode)}, ${className(rate.vehicleClass)}, ${rate.termMonths} months`}
                    path={`/rating/vscRates/${i}/dealerCostCents`}
                    messages={edit.messages}
                    value={rate.dealerCostCents}
                    onChange={(v) => edit.set(`/rating/vscRates/${i}/dealerCostCents`, v)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <TableScroll labelledBy="gap-rates-caption">
        <table className="table">
          <caption id="gap-rates-caption">GAP dealer cost by loan term</caption>
          <thead>
            <tr>
              <th scope="col">Plan</th>
              <th scope="col">Loan term</th>
              <th scope="col">Dealer cost</th>
            </tr>
          </thead>
          <tbody>
            {rating.gapRates.map((rate, i) => (
              <tr key={`${rate.planCode}-${rate.termMonths}`}>
                <td>{planName(rate.planCode)}</td>
                <td>{rate.termMonths} months</td>
                <td>
                  <MoneyField
                    label={`GAP dealer cost, ${rate.termMonths} months`}
                    path={`/rating/gapRates/${i}/dealerCostCents`}
                    messages={edit.messages}
                    value={rate.dealerCostCents}
                    onChange={(v) => edit.set(`/rating/gapRates/${i}/dealerCostCents`, v)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

function ChangesPanel({ draft }: { draft: Draft }) {
  if (draft.changes.length === 0) {
    return <p>The draft is the same as version {draft.currentVersion}.</p>;
  }
  return (
    <TableScroll labelledBy="changes-caption">
      <table className="table">
        <caption id="changes-caption">
          {formatCount(draft.changes.length)} {draft.changes.length === 1 ? 'change' : 'changes'} against
          version {draft.currentVersion}
        </caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Version {draft.currentVersion}</th>
            <th scope="col">Draft</th>
          </tr>
        </thead>
        <tbody>
          {draft.changes.map((change) => (
            <tr key={`${change.kind}:${change.path}`} data-change-path={change.path}>
              <th scope="row" style={{ fontWeight: 'normal' }}>
                {change.label}
                {change.kind !== 'changed' ? <strong> ({change.kind})</strong> : null}
              </th>
              <td>{formatValue(change.current, change.cents)}</td>
              <td>{formatValue(change.draft, change.cents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function EffectPanel({
  draft,
  doc,
  saved,
  onPublished,
}: {
  draft: Draft;
  doc: CatalogDocument;
  saved: boolean;
  onPublished: (version: number) => void;
}) {
  const [effect, setEffect] = useState<WhatIfResult | null>(null);
  const whatIf = useApiMutation('post', '/catalog/what-if');
  const publication = useApiMutation('post', '/catalog/draft/publication', {
    invalidates: ['/catalog', '/plans'],
  });
  const busy = whatIf.isPending || publication.isPending;
  const [problem, setProblem] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const planName = (code: string) => doc.plans.find((p) => p.code === code)?.name ?? code;

  function seeEffect() {
    setProblem(null);
    whatIf.mutate(
      { body: { document: doc } },
      {
        onSuccess: setEffect,
        onError: (error) => {
          setEffect(null);
          setProblem(errorMessage(error, 'The effect could not be worked out. Try again.'));
        },
      },
    );
  }

  function publish() {
    setProblem(null);
    publication.mutate(
      {
        params: { header: { 'idempotency-key': `catalog-draft-${draft.currentVersion}-${draft.revision}` } },
        body: { note: note.trim(), currentVersion: draft.currentVersion, revision: draft.revision },
      },
      {
        onSuccess: (published) => onPublished(published.version),
        onError: (error) => {
          setConfirming(false);
          setProblem(errorMessage(error, 'The catalog could not be published. Try again.'));
        },
      },
    );
  }

  const blocked =
    draft.errors.length > 0
      ? `Fix the ${draft.errors.length === 1 ? 'problem' : `${draft.errors.length} problems`} first: the tabs show where.`
      : draft.changes.length === 0
        ? `The draft is the same as version ${draft.currentVersion}: there is nothing to publish.`
        : !saved
          ? 'Wait until the draft is saved.'
          : null;

  return (
    <>
      <section aria-labelledby="effect-heading">
        <h2 id="effect-heading">What the draft would do</h2>
        <p>As if the draft replaced version {draft.currentVersion} for every contract: nothing is changed.</p>
        <p>
          <button
            type="button"
            className="button button--secondary"
            onClick={seeEffect}
            disabled={busy || draft.errors.length > 0}
          >
            {busy && !confirming ? 'Working…' : 'See the effect'}
          </button>
        </p>
        {effect ? (
          <WhatIfEffect
            effect={effect}
            planName={planName}
            currentLabel={`Version ${draft.currentVersion}`}
            chart
          />
        ) : null}
      </section>
      <section aria-labelledby="publish-heading">
        <h2 id="publish-heading">Publish</h2>
        <p>
          New contracts are sold under the published version; contracts already sold keep theirs. The note is
          kept in the audit trail.
        </p>
        <div className="field">
          <label htmlFor="publish-note">Why the catalog changes</label>
          <textarea
            id="publish-note"
            rows={3}
            value={note}
            aria-invalid={noteError ? true : undefined}
            aria-describedby={noteError ? 'publish-note-error' : undefined}
            onChange={(e) => {
              setNote(e.target.value);
              setNoteError(null);
            }}
            style={{ width: '100%', font: 'inherit', padding: '0.5rem' }}
          />
          {noteError ? (
            <p className="field-error" id="publish-note-error">
              {noteError}
            </p>
          ) : null}
        </div>
        {blocked ? <p className="muted">{blocked}</p> : null}
        {confirming ? (
          <div
            className="notice"
            role="alertdialog"
            aria-labelledby="confirm-publish"
            style={{ maxWidth: '40rem' }}
          >
            <p id="confirm-publish">
              Publish {formatCount(draft.changes.length)} {draft.changes.length === 1 ? 'change' : 'changes'}{' '}
              as version {draft.currentVersion + 1}?
            </p>
            <p>
              <button type="button" className="button" onClick={publish} disabled={busy}>
                {busy ? 'Publishing…' : `Publish version ${draft.currentVersion + 1}`}
              </button>{' '}
              <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
                Keep editing
              </button>
            </p>
          </div>
        ) : (
          <p>
            <button
              type="button"
              className="button"
              disabled={blocked !== null}
              onClick={() => {
                if (note.trim() === '') {
                  setNoteError('Say why the catalog changes: it is kept with the version.');
                  document.getElementById('publish-note')?.focus();
                  return;
                }
                setConfirming(true);
              }}
            >
              Publish…
            </button>
          </p>
        )}
        {problem ? (
          <div className="notice notice--error" role="alert">
            {problem}
          </div>
        ) : null}
      </section>
    </>
  );
}

function JsonPanel({ doc, onApply }: { doc: CatalogDocument; onApply: (doc: CatalogDocument) => void }) {
  const [text, setText] = useState(() => JSON.stringify(doc, null, 2));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText(JSON.stringify(doc, null, 2)), [doc]);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        try {
          const parsed = JSON.parse(text) as CatalogDocument;
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
            throw new Error('not an object');
          setError(null);
          onApply(parsed);
        } catch (caught) {
          setError(`This is not a catalog document in JSON: ${(caught as Error).message}`);
        }
      }}
    >
      <div className="field">
        <label htmlFor="catalog-json">The draft as JSON</label>
        <p className="hint" id="catalog-json-hint">
          For changes the forms do not offer. Applying replaces the draft; the validator checks it as usual.
        </p>
        <textarea
          id="catalog-json"
          value={text}
          rows={20}
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'catalog-json-hint catalog-json-error' : 'catalog-json-hint'}
          onChange={(e) => setText(e.target.value)}
          style={{ width: '100%', fontFamily: 'monospace', fontSize: '0.85rem' }}
        />
        {error ? (
          <p className="field-error" id="catalog-json-error">
            {error}
          </p>
        ) : null}
      </div>
      <button type="submit" className="button">
        Apply the JSON
      </button>
    </form>
  );
}

function CatalogEditor() {
  const queryClient = useQueryClient();
  // The draft is the query's data (each save's answer replaces it); the document being edited is
  // this page's own state, taken from the draft when one is loaded or started.
  const draftQuery = useApiQuery('/catalog/draft', undefined, { staleTime: Number.POSITIVE_INFINITY });
  const noDraft = draftQuery.error?.code === 'no_catalog_draft';
  const currentQuery = useApiQuery('/catalog', undefined, { enabled: noDraft });
  const draft = noDraft ? null : ((draftQuery.data as Draft | undefined) ?? null);
  const missing = noDraft && currentQuery.data ? { version: currentQuery.data.version } : null;
  const [doc, setDoc] = useState<CatalogDocument | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [published, setPublished] = useState<number | null>(null);
  const [tab, setTab] = useState<Tab>('plans');
  const startDraft = useApiMutation('put', '/catalog/draft');
  const discardDraft = useApiMutation('delete', '/catalog/draft');
  const loadProblem =
    draftQuery.isError && !noDraft
      ? errorMessage(draftQuery.error, 'The catalog could not be loaded.')
      : null;
  const shownProblem = problem ?? loadProblem;

  const onSaved = useCallback((saved: Draft) => queryClient.setQueryData(draftKey, saved), [queryClient]);
  const onFailed = useCallback((error: unknown) => {
    setProblem(
      error instanceof ApiError
        ? error.code === 'catalog_draft_changed'
          ? `${error.detail} Your last change was not saved.`
          : error.detail
        : 'The draft could not be saved. Your change is still on the page; try again.',
    );
  }, []);
  const saver = useDraftSaver(onSaved, onFailed);

  const seed = useCallback(
    (loaded: Draft) => {
      saver.setRevision(loaded.revision);
      setDoc(loaded.document);
    },
    [saver.setRevision],
  );

  // The first answer fills the editor; later ones (each save's) leave what is typed alone.
  const seeded = useRef(false);
  useEffect(() => {
    if (seeded.current || !draftQuery.data) return;
    seeded.current = true;
    seed(draftQuery.data as Draft);
  }, [draftQuery.data, seed]);

  /** Reads the draft again (or learns there is none: the query's error says so and the page offers one). */
  const load = useCallback(async () => {
    setProblem(null);
    try {
      seed(
        (await queryClient.fetchQuery({
          ...apiQueryOptions('/catalog/draft', undefined),
          staleTime: 0,
        })) as Draft,
      );
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'no_catalog_draft'))
        setProblem(errorMessage(error, 'The catalog could not be loaded.'));
    }
  }, [queryClient, seed]);

  function start() {
    startDraft.mutate(
      { body: { revision: null } },
      {
        onSuccess: (started) => {
          queryClient.setQueryData(draftKey, started);
          seed(started as Draft);
          setPublished(null);
        },
        onError: (error) => setProblem(errorMessage(error, 'The draft could not be started.')),
      },
    );
  }

  async function discard() {
    if (!window.confirm('Discard the draft? Every change in it is lost.')) return;
    try {
      await discardDraft.mutateAsync(undefined);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'no_catalog_draft')) {
        setProblem(errorMessage(error, 'The draft could not be discarded.'));
        return;
      }
    }
    await load();
  }

  const messages = useMemo(() => messagesByPath(draft?.errors ?? []), [draft?.errors]);
  const edit: Editing = {
    messages,
    set(path, value) {
      setDoc((previous) => {
        if (!previous) return previous;
        const next = setAt(previous, path, value);
        saver.schedule(next);
        return next;
      });
    },
  };

  const counts = useMemo(() => {
    const result = {
      plans: 0,
      states: 0,
      rates: 0,
      changes: draft?.changes.length ?? 0,
      effect: 0,
      json: 0,
    } as Record<Tab, number>;
    for (const t of TABS) {
      if (t.prefix)
        result[t.id] = (draft?.errors ?? []).filter((e) => e.path.startsWith(`${t.prefix}/`)).length;
    }
    result.json = (draft?.errors ?? []).filter(
      (e) => !TABS.some((t) => t.prefix && e.path.startsWith(`${t.prefix}/`)),
    ).length;
    return result;
  }, [draft]);

  return (
    <>
      <PageHeading title="Catalog editor">Catalog editor</PageHeading>
      {published ? (
        <div className="notice notice--success" role="status">
          Published catalog version {published}. New contracts are sold under it; existing contracts keep
          their version.
        </div>
      ) : null}
      {shownProblem ? (
        <div className="notice notice--error" role="alert" style={{ maxWidth: '40rem' }}>
          <p>{shownProblem}</p>
          <button type="button" className="button button--secondary" onClick={() => void load()}>
            Reload the draft
          </button>
        </div>
      ) : null}
      {missing ? (
        <section className="card card--wide">
          <p>
            Version {missing.version} is the current catalog. Start a draft of the next version to change
            plans, state rules or rates; nothing changes for anyone until you publish it.
          </p>
          <button type="button" className="button" onClick={start}>
            Start a draft from version {missing.version}
          </button>
        </section>
      ) : null}
      {draft && doc ? (
        <>
          <p role="status" aria-live="polite" className="muted">
            Draft of version {draft.currentVersion + 1}
            {draft.baseVersion !== draft.currentVersion
              ? ` (started from version ${draft.baseVersion}; changes are shown against version ${draft.currentVersion})`
              : ''}
            {' · '}
            {saver.state === 'saving'
              ? 'Saving…'
              : saver.state === 'failed'
                ? 'Not saved'
                : `Saved ${formatInstant(draft.updatedAt)} by ${draft.updatedBy}`}
            {' · '}
            {draft.errors.length === 0
              ? 'ready to publish'
              : `${formatCount(draft.errors.length)} ${draft.errors.length === 1 ? 'problem' : 'problems'} to fix`}
          </p>
          <Tabs tab={tab} onChange={setTab} counts={counts} />
          <div
            role="tabpanel"
            id={`panel-${tab}`}
            aria-labelledby={`tab-${tab}`}
            style={{ marginTop: '1rem' }}
          >
            {tab === 'plans' ? <PlansPanel doc={doc} edit={edit} /> : null}
            {tab === 'states' ? <StateRulesPanel doc={doc} edit={edit} /> : null}
            {tab === 'rates' ? <RatesPanel doc={doc} edit={edit} /> : null}
            {tab === 'changes' ? <ChangesPanel draft={draft} /> : null}
            {tab === 'effect' ? (
              <EffectPanel
                draft={draft}
                doc={doc}
                saved={saver.state === 'saved'}
                onPublished={(version) => {
                  setPublished(version);
                  setTab('plans');
                  void load();
                }}
              />
            ) : null}
            {tab === 'json' ? (
              <>
                {counts.json > 0 ? (
                  <ul className="field-error">
                    {draft.errors
                      .filter((e) => !TABS.some((t) => t.prefix && e.path.startsWith(`${t.prefix}/`)))
                      .map((e) => (
                        <li key={`${e.path}:${e.message}`}>
                          <code>{e.path || '/'}</code>: {e.message}
                        </li>
                      ))}
                  </ul>
                ) : null}
                <JsonPanel
                  doc={doc}
                  onApply={(next) => {
                    setDoc(next);
                    saver.schedule(next);
                  }}
                />
              </>
            ) : null}
          </div>
          <p style={{ marginTop: '2rem' }}>
            <button type="button" className="button button--secondary" onClick={discard}>
              Discard the draft
            </button>
          </p>
        </>
      ) : null}
    </>
  );
}

export function AdminCatalogPage() {
  return (
    <StaffOnly roles={['admin']} refusal="Changing the catalog is for administrators only.">
      {() => <CatalogEditor />}
    </StaffOnly>
  );
}

export default AdminCatalogPage;
