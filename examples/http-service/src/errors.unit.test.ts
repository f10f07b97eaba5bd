import { httpStatus, failureBody } from './errors';

describe('httpStatus and failureBody', () => {
  it('answers the refusals of a revision, a mode and a clock 409, and integrity failures 500', () => {
    expect(httpStatus({ _tag: 'ModeRefused', mode: 'production', asked: 'simulated', code: 'mode.fixed', fields: {}, message: 'm' })).toBe(409);
    expect(httpStatus({ _tag: 'ClockBehindLedger', message: 'm' } as never)).toBe(409);
    expect(httpStatus({ _tag: 'TargetRevisionRefused', message: 'm' } as never)).toBe(409);
    expect(httpStatus({ _tag: 'BrokenChain', message: 'm' } as never)).toBe(500);
    expect(httpStatus({ _tag: 'ReadModelMismatch', checkpoint: 9, head: 7, code: 'readModel.aheadOfLog', fields: {}, message: 'm' })).toBe(500);
  });

  it('names the events written when their projection failed, so a client does not send them again', () => {
    const cause = { _tag: 'ProjectionFailed' as const, message: 'disk full' };
    const f = { _tag: 'WrittenButNotProjected' as const, written: [{ eventId: '01ABC', position: 53 }], cause, message: 'written' };
    expect(httpStatus(f)).toBe(500);
    expect(failureBody(f)).toEqual({ error: 'WrittenButNotProjected', message: 'written', written: [{ eventId: '01ABC', position: 53 }] });
  });
});
