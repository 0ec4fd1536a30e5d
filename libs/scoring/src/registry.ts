/**
 * The instruments of one folder (by default the repository's instruments/), loaded once and validated. Node-only
 * (reads files): workflow code gets an Instrument in its input instead, and calls the pure functions of score.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { projectRoot } from '@kawal/config';
import { InstrumentValidationError, ScoringError, UnknownInstrumentError } from './errors';
import { Instrument, instrumentLabel, parseInstrument } from './instrument';

/** The repository's instruments/ folder. */
export function defaultInstrumentsDir(): string {
  return path.join(projectRoot(), 'instruments');
}

const INSTRUMENT_FILE = /\.(ya?ml|json)$/i;

let builtIn: InstrumentRegistry | undefined;

export class InstrumentRegistry {
  /** key -> versions, ascending. */
  private readonly byKey = new Map<string, Instrument[]>();
  /** "key@version" -> the file it came from (absent for instruments given in memory). */
  private readonly files = new Map<string, string>();

  private constructor(entries: Array<{ instrument: Instrument; file?: string }>) {
    for (const { instrument, file } of entries) {
      const id = `${instrument.key}@${instrument.version}`;
      const versions = this.byKey.get(instrument.key) ?? [];
      if (versions.some((v) => v.version === instrument.version)) {
        const first = this.files.get(id);
        const where = first && file ? `both ${first} and ${file}` : first ?? file ?? 'two documents';
        throw new InstrumentValidationError(
          [{ path: 'version', rule: `must be unique per key: ${instrumentLabel(instrument)} is defined in ${where}` }],
          file,
        );
      }
      versions.push(instrument);
      versions.sort((a, b) => a.version - b.version);
      this.byKey.set(instrument.key, versions);
      if (file) this.files.set(id, file);
    }
  }

  /**
   * Reads and validates every *.yaml, *.yml and *.json file of `dir` (not its subfolders). Any invalid file, or
   * two files with the same key and version, fails the whole load with an error naming the file(s).
   */
  static load(dir: string = defaultInstrumentsDir()): InstrumentRegistry {
    const folder = path.resolve(dir);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new ScoringError(`instrument folder not found: ${folder}`);
    const entries = readdirSync(folder)
      .filter((name) => INSTRUMENT_FILE.test(name))
      .sort()
      .map((name) => path.join(folder, name))
      .filter((file) => statSync(file).isFile())
      .map((file) => ({ instrument: parseInstrument(readDocument(file), file), file }));
    return new InstrumentRegistry(entries);
  }

  /** Instruments already in memory (e.g. from the database, or a test); validated again. */
  static of(instruments: unknown[]): InstrumentRegistry {
    return new InstrumentRegistry(instruments.map((raw, i) => ({ instrument: parseInstrument(raw, `instruments[${i}]`) })));
  }

  /** The repository's instruments/, loaded on first use and kept (the files are read-only at run time). */
  static builtIn(): InstrumentRegistry {
    builtIn ??= InstrumentRegistry.load();
    return builtIn;
  }

  /** The given version, or the latest when `version` is omitted. */
  get(key: string, version?: number): Instrument {
    const versions = this.byKey.get(key);
    if (!versions) {
      const known = [...this.byKey.keys()].sort();
      throw new UnknownInstrumentError(key, version, `unknown instrument "${key}"${version !== undefined ? ` (version ${version})` : ''}; known instruments: ${known.join(', ') || '(none)'}`);
    }
    if (version === undefined) return versions[versions.length - 1];
    const found = versions.find((v) => v.version === version);
    if (!found) {
      throw new UnknownInstrumentError(key, version, `instrument "${key}" has no version ${version}; its versions are ${versions.map((v) => v.version).join(', ')}`);
    }
    return found;
  }

  has(key: string, version?: number): boolean {
    const versions = this.byKey.get(key);
    return !!versions && (version === undefined || versions.some((v) => v.version === version));
  }

  /**
   * The version that applies to an assessment year: the latest version whose appliesTo covers it. A year after
   * every version's toYear gets the latest version; a year in a gap between versions gets the one that ended
   * most recently before it; a year before every fromYear throws UnknownInstrumentError.
   */
  forYear(key: string, year: number): Instrument {
    if (!Number.isInteger(year)) throw new ScoringError(`year must be a whole number; got ${year}`);
    this.get(key); // throws for an unknown key
    const versions = this.byKey.get(key)!;
    const started = versions.filter((v) => v.appliesTo.fromYear <= year);
    if (started.length === 0) {
      const earliest = Math.min(...versions.map((v) => v.appliesTo.fromYear));
      throw new UnknownInstrumentError(key, undefined, `no version of instrument "${key}" applies to ${year}; the earliest applies from ${earliest}`);
    }
    const covering = started.filter((v) => v.appliesTo.toYear === undefined || v.appliesTo.toYear >= year);
    if (covering.length > 0) return covering[covering.length - 1];
    if (versions.every((v) => v.appliesTo.toYear !== undefined && v.appliesTo.toYear < year)) return versions[versions.length - 1];
    // A gap between versions: the one in force most recently before the year.
    return [...started].sort((a, b) => a.appliesTo.toYear! - b.appliesTo.toYear! || a.version - b.version)[started.length - 1];
  }

  /** Every instrument, by key then version. */
  list(): Instrument[] {
    return [...this.byKey.keys()].sort().flatMap((key) => this.byKey.get(key)!);
  }

  /** The file an instrument was loaded from; undefined for instruments given in memory. */
  fileOf(key: string, version: number): string | undefined {
    return this.files.get(`${key}@${version}`);
  }
}

function readDocument(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const kind = /\.json$/i.test(file) ? 'JSON' : 'YAML';
    throw new InstrumentValidationError([{ path: '', rule: `is not valid ${kind}: ${(err as Error).message.split('\n')[0]}` }], file);
  }
}
