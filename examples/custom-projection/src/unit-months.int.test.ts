import { projectionSpec, type SpecEvent } from '@minsheng/projections/testing';
import { unitMonths } from './unit-months';

const stream = 'progress-harbin-2024-t19-rural-roads-daoli';
const figure = { kind: 'quantity', value: '3', unit: '公里' } as const;
const report = (eventId: string, unit: string, asOf: string): SpecEvent => ({
  stream,
  eventId,
  type: 'ProgressReported',
  data: { planId: 'harbin-2024', task: 19, metric: 't19-rural-roads', place: 'daoli', asOf, figure },
  metadata: { actor: { unit } },
});
const retraction = (retracts: string): SpecEvent => ({
  stream,
  type: 'ProgressRetracted',
  data: { planId: 'harbin-2024', task: 19, metric: 't19-rural-roads', place: 'daoli', retracts, reason: '重复上报' },
  metadata: { actor: { unit: 'transport' } },
});
const ROWS = 'SELECT unit, month, reports, retracted FROM {unit_months} ORDER BY unit, month';
const spec = projectionSpec(unitMonths);

// Event ids are ULIDs: 26 characters of Crockford base 32.
const A = '01J0000000000000000000000A';
const B = '01J0000000000000000000000B';
const C = '01J0000000000000000000000C';

describe('examples/custom-projection: reports per responsible unit per month', () => {
  it('given no events, when reports come, then one row per unit and month counts them', () =>
    spec
      .given([])
      .when([report(A, 'transport', '2024-03-28'), report(B, 'transport', '2024-03-31'), report(C, 'hrss', '2024-04-28')])
      .then(ROWS, [
        { unit: 'hrss', month: '2024-04', reports: 1, retracted: 0 },
        { unit: 'transport', month: '2024-03', reports: 2, retracted: 0 },
      ]));

  it('given reports, when one is retracted in a later batch, then its unit and month count it as retracted', () =>
    spec
      .given([report(A, 'transport', '2024-03-28'), report(C, 'hrss', '2024-04-28')])
      .when([retraction(C)])
      .then(ROWS, [
        { unit: 'hrss', month: '2024-04', reports: 1, retracted: 1 },
        { unit: 'transport', month: '2024-03', reports: 1, retracted: 0 },
      ]));

  it('counts only the event types and streams it names: a report on another stream prefix adds nothing', () =>
    spec
      .given([{ ...report(A, 'transport', '2024-03-28'), stream: 'elsewhere-1' }])
      .when([{ type: 'LedgerCreated', stream: 'ledger', data: { mode: 'production' } }])
      .then(ROWS, []));

  it('fails a spec whose rows differ, naming the projection and the query', async () => {
    await expect(spec.given([report(A, 'transport', '2024-03-28')]).then(ROWS, [])).rejects.toThrow(
      /unit-months: SELECT unit, month, reports, retracted FROM \{unit_months\}/,
    );
  });
});
