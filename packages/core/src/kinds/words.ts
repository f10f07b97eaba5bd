import type { TargetKind } from './schemas';

/** A target kind as a sentence names it, with its article: "an at-least target". */
export const kindPhrase = (kind: TargetKind): string =>
  ({
    atLeast: 'an at-least',
    approximate: 'an approximate',
    share: 'a share',
    rate: 'a rate',
    ceiling: 'a ceiling',
    milestone: 'a milestone',
    yesNo: 'a yes/no',
  })[kind];
