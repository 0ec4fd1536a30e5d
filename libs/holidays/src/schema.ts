/**
 * The shape of a holiday data file (libs/holidays/data/<year>.yaml), checked with zod when the file is loaded.
 * Objects are strict: a misspelt key is an error, not a silently ignored field.
 */
import { z } from 'zod';
import { isLocalDate } from '@kawal/domain';

const text = z.string().trim().min(1, 'must not be empty');

/** YAML 1.2 (the `yaml` package's default) keeps an unquoted 2026-03-21 as a string, so no Date sneaks in. */
const localDate = z
  .string({ error: 'must be a calendar date YYYY-MM-DD' })
  .refine(isLocalDate, { error: (issue) => `must be a calendar date YYYY-MM-DD (got ${JSON.stringify(issue.input)})` });

const decreeSchema = z.strictObject({
  /** The decree's number for each of the three ministers, e.g. "1497 Tahun 2025". */
  numbers: z.strictObject({
    menteriAgama: text,
    menteriKetenagakerjaan: text,
    menteriPANRB: text,
  }),
  signedOn: localDate,
  title: text,
  /** For a revising decree: what it changes. */
  change: text.optional(),
  note: text.optional(),
});

const sourceSchema = z.strictObject({
  /** The SKB 3 Menteri; null only while the file is provisional. */
  decree: decreeSchema.nullable(),
  revisions: z.array(decreeSchema).default([]),
  /** Where the decree and the dates were checked (for the reviewer). */
  references: z.array(text).default([]),
  note: text.optional(),
});

const nameSchema = z.strictObject({ id: text, en: text });

const holidayEntrySchema = z.strictObject({
  date: localDate,
  name: nameSchema,
  note: text.optional(),
});

const libraryDifferenceSchema = z.strictObject({
  holiday: text,
  /** The dates this file gives for the holiday. */
  dataFile: z.array(localDate),
  /** The dates date-holidays gives for it (empty when the library does not know the holiday). */
  library: z.array(localDate),
  reason: text,
});

export const holidayFileSchema = z
  .strictObject({
    year: z.number({ error: 'must be a year number' }).int('must be a whole year').min(1900).max(2200),
    status: z.enum(['final', 'provisional']),
    reviewedOn: localDate,
    source: sourceSchema,
    nationalHolidays: z.array(holidayEntrySchema).min(1, 'must list at least one holiday'),
    cutiBersama: z.array(holidayEntrySchema),
    libraryDiffers: z.array(libraryDifferenceSchema).default([]),
  })
  .superRefine((file, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (file.status === 'final' && file.source.decree === null) {
      issue(['source', 'decree'], 'must name the decree when status is final');
    }
    for (const list of ['nationalHolidays', 'cutiBersama'] as const) {
      const seen = new Set<string>();
      file[list].forEach((entry, i) => {
        if (!entry.date.startsWith(`${file.year}-`)) issue([list, i, 'date'], `must fall in ${file.year} (got ${entry.date})`);
        const key = `${entry.date} ${entry.name.id}`;
        if (seen.has(key)) issue([list, i], `must not repeat "${entry.name.id}" on ${entry.date}`);
        seen.add(key);
      });
    }
    const national = new Set(file.nationalHolidays.map((h) => h.date));
    file.libraryDiffers.forEach((diff, i) => {
      diff.dataFile.forEach((date, j) => {
        if (!national.has(date)) issue(['libraryDiffers', i, 'dataFile', j], `must be a date in nationalHolidays (got ${date})`);
      });
      if (diff.dataFile.length === 0 && diff.library.length === 0) issue(['libraryDiffers', i], 'must give the dates that differ');
    });
  });

export type HolidayFile = z.infer<typeof holidayFileSchema>;
export type Decree = z.infer<typeof decreeSchema>;
export type HolidayEntry = z.infer<typeof holidayEntrySchema>;
export type LibraryDifference = z.infer<typeof libraryDifferenceSchema>;

/** nationalHolidays[3].date, the way a reviewer reads a path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '(file)';
}

/** zod's default wording, turned into rules a reviewer reads after the path. */
function rule(message: string): string {
  const missing = /^Invalid input: expected (\w+), received undefined$/.exec(message);
  if (missing) return `is required (${missing[1]})`;
  return message
    .replace(/^Invalid input: expected (\w+), received (\w+)$/, 'must be $1, not $2')
    .replace(/^Invalid option: expected one of /, 'must be one of ')
    .replace(/^Unrecognized keys?: /, 'has an unknown key: ');
}

/** One line per problem: "<path> <rule>". */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${formatPath(issue.path)} ${rule(issue.message)}`);
}
