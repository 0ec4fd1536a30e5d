/** The errors of @kawal/scoring. Messages are English and name the field or value at fault. */

/** A score, component score, task list or series that the scoring functions cannot use. */
export class ScoringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScoringError';
  }
}

/** No instrument with this key (and version), or none that applies to the year asked for. */
export class UnknownInstrumentError extends Error {
  constructor(
    readonly key: string,
    readonly version: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'UnknownInstrumentError';
  }
}

export interface InstrumentIssue {
  /** JSON-path-like location of the offending field, e.g. bands[2].max; empty for the document itself. */
  path: string;
  /** The rule it breaks. */
  rule: string;
}

/** An instrument document that breaks the schema: lists every issue with its path (and the file, when known). */
export class InstrumentValidationError extends Error {
  constructor(
    readonly issues: InstrumentIssue[],
    readonly file?: string,
  ) {
    super(`${file ? `Instrument file ${file} is invalid` : 'Instrument is invalid'}: ${issues.map((i) => `${i.path || '(root)'} ${i.rule}`).join('; ')}`);
    this.name = 'InstrumentValidationError';
  }
}
