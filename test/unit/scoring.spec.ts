import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import {
  Instrument,
  InstrumentRegistry,
  InstrumentValidationError,
  ScoredTask,
  ScoringError,
  UnknownInstrumentError,
  classify,
  combine,
  defaultInstrumentsDir,
  distribution,
  parseInstrument,
  roundTo,
  scoreCase,
  trend,
} from '@kawal/scoring';

/**
 * Scoring instruments as versioned data (instruments/*.yaml) and the pure scoring functions. Every expected
 * number below is worked out by hand in the comments, never by calling the function under test.
 */

const INSTRUMENTS_DIR = path.resolve(__dirname, '..', '..', 'instruments');
const registry = InstrumentRegistry.builtIn();
const v1 = registry.get('ombudsman-kepatuhan', 1);
const v2 = registry.get('ombudsman-kepatuhan', 2);
const pekppp = registry.get('pekppp');
const checklist = registry.get('kawal-checklist');

/** A mutable copy of a built-in instrument file, for breaking it on purpose. */
const rawFile = (name: string): Record<string, any> => YAML.parse(readFileSync(path.join(INSTRUMENTS_DIR, name), 'utf8'));

const validationIssues = (raw: unknown): Array<{ path: string; rule: string }> => {
  try {
    parseInstrument(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(InstrumentValidationError);
    return (err as InstrumentValidationError).issues;
  }
  throw new Error('expected parseInstrument to throw');
};

const task = (key: string, component: string | undefined, weight: number, state: string): ScoredTask => ({
  key,
  title: `Tugas ${key}`,
  titleEn: `Task ${key}`,
  state,
  weight,
  ...(component ? { component } : {}),
});

describe('instrument files', () => {
  it('finds the repository instruments folder', () => {
    expect(defaultInstrumentsDir()).toBe(INSTRUMENTS_DIR);
  });

  it('loads every file in instruments/', () => {
    const files = readdirSync(INSTRUMENTS_DIR).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const instrument = parseInstrument(YAML.parse(readFileSync(path.join(INSTRUMENTS_DIR, file), 'utf8')), file);
      // The naming convention of the folder: <key>.v<version>.yaml
      expect(file).toBe(`${instrument.key}.v${instrument.version}.yaml`);
      expect(instrument.source.length).toBeGreaterThan(20);
    }
    const loaded = InstrumentRegistry.load(INSTRUMENTS_DIR).list();
    expect(loaded).toHaveLength(files.length);
    expect(loaded.map((i) => `${i.key} v${i.version}`)).toEqual(['kawal-checklist v1', 'ombudsman-kepatuhan v1', 'ombudsman-kepatuhan v2', 'pekppp v1']);
  });

  it('keeps the published shapes of the built-in instruments', () => {
    expect(v1.appliesTo).toEqual({ fromYear: 2013, toYear: 2021 });
    expect(v1.components).toEqual([]);
    expect(v1.bands.map((b) => [b.category, b.zone, b.min, b.max])).toEqual([
      ['Tinggi', 'green', 81, 100],
      ['Sedang', 'yellow', 51, 80.99],
      ['Rendah', 'red', 0, 50.99],
    ]);
    expect(v1.bands[0].label).toEqual({ id: 'Zona Hijau — kepatuhan tinggi', en: 'Green zone — high compliance' });
    expect(v2.appliesTo).toEqual({ fromYear: 2022, toYear: 2024 });
    expect(v2.components.map((c) => [c.key, c.weight])).toEqual([
      ['input', 21.85],
      ['proses', 32.37],
      ['output', 24.24],
      ['pengaduan', 21.54],
    ]);
    expect(v2.bands.map((b) => [b.category, b.zone, b.min, b.max, b.label.id])).toEqual([
      ['A', 'green', 88, 100, 'Kualitas Tertinggi'],
      ['B', 'green', 78, 87.99, 'Kualitas Tinggi'],
      ['C', 'yellow', 54, 77.99, 'Kualitas Sedang'],
      ['D', 'red', 32, 53.99, 'Kualitas Rendah'],
      ['E', 'red', 0, 31.99, 'Kualitas Terendah'],
    ]);
    expect(pekppp.scale).toEqual({ min: 1, max: 5, decimals: 2 });
    expect(pekppp.components.map((c) => [c.key, c.weight])).toEqual([
      ['kebijakan-pelayanan', 30],
      ['profesionalisme-sdm', 18],
      ['sarana-prasarana', 15],
      ['sistem-informasi', 15],
      ['konsultasi-pengaduan', 12],
      ['inovasi', 10],
    ]);
    expect(pekppp.bands.map((b) => `${b.category}:${b.zone}:${b.min}-${b.max}`)).toEqual([
      'A:green:4.51-5',
      'A-:green:4.01-4.5',
      'B:green:3.51-4',
      'B-:yellow:3.01-3.5',
      'C:yellow:2.51-3',
      'C-:red:2.01-2.5',
      'D:red:1.51-2',
      'E:red:1-1.5',
    ]);
    expect(checklist.bands.map((b) => `${b.category}:${b.zone}:${b.min}-${b.max}:${b.label.id}`)).toEqual([
      'A:green:90-100:Tuntas',
      'B:green:75-89.99:Baik',
      'C:yellow:50-74.99:Cukup',
      'D:red:0-49.99:Kurang',
    ]);
    // Parsed instruments are frozen: nobody edits a published version in memory.
    expect(Object.isFrozen(v2.bands[0])).toBe(true);
  });
});

describe('parseInstrument', () => {
  it('rejects weights that do not sum to 100, naming the path and the sum', () => {
    const raw = rawFile('ombudsman-kepatuhan.v2.yaml');
    raw.components[3].weight = 20; // 21.85 + 32.37 + 24.24 + 20 = 98.46
    expect(validationIssues(raw)).toEqual([{ path: 'components', rule: 'weights must sum to 100; they sum to 98.46' }]);
    expect(() => parseInstrument(raw)).toThrow(/components weights must sum to 100; they sum to 98\.46/);
  });

  it('accepts weights within 0.005 of 100', () => {
    const raw = rawFile('ombudsman-kepatuhan.v2.yaml');
    raw.components[3].weight = 21.544; // sum 100.004
    expect(parseInstrument(raw).components[3].weight).toBe(21.544);
    raw.components[3].weight = 21.546; // sum 100.006
    expect(validationIssues(raw)[0].path).toBe('components');
  });

  it('rejects a gap or an overlap between bands, naming the band and the expected max', () => {
    const gap = rawFile('ombudsman-kepatuhan.v1.yaml');
    gap.bands[1].max = 80.9; // 80.91 .. 80.99 would belong to no band
    expect(validationIssues(gap)).toEqual([
      { path: 'bands[1].max', rule: 'must be 80.99, one step below the min of "Tinggi" (81.00); 80.9 leaves a gap below it' },
    ]);
    expect(() => parseInstrument(gap, 'broken.yaml')).toThrow('Instrument file broken.yaml is invalid: bands[1].max must be 80.99');

    const overlap = rawFile('ombudsman-kepatuhan.v2.yaml');
    overlap.bands[1].max = 88; // B would reach into A
    expect(validationIssues(overlap)).toEqual([
      { path: 'bands[1].max', rule: 'must be 87.99, one step below the min of "A" (88.00); 88 overlaps it' },
    ]);
  });

  it('checks order, coverage, uniqueness and the other rules', () => {
    const unsorted = rawFile('ombudsman-kepatuhan.v1.yaml');
    unsorted.bands = [unsorted.bands[1], unsorted.bands[0], unsorted.bands[2]];
    expect(validationIssues(unsorted).map((i) => i.path)).toEqual(expect.arrayContaining(['bands[1]', 'bands[0].max']));

    const short = rawFile('ombudsman-kepatuhan.v1.yaml');
    short.bands[0].max = 99;
    short.bands[2].min = 1;
    expect(validationIssues(short)).toEqual([
      { path: 'bands[0].max', rule: 'must equal scale.max (100): the highest band comes first and reaches the top of the scale' },
      { path: 'bands[2].min', rule: 'must equal scale.min (0): the lowest band comes last and reaches the bottom of the scale' },
    ]);

    const twice = rawFile('pekppp.v1.yaml');
    twice.bands[1].category = 'A';
    twice.components[5].key = 'kebijakan-pelayanan';
    expect(validationIssues(twice)).toEqual([
      { path: 'components[5].key', rule: 'must be unique; "kebijakan-pelayanan" appears twice' },
      { path: 'bands[1].category', rule: 'must be unique; "A" appears twice' },
    ]);

    const inverted = rawFile('kawal-checklist.v1.yaml');
    inverted.bands[1].min = 89.99;
    inverted.bands[1].max = 75;
    expect(validationIssues(inverted).map((i) => i.path)).toEqual(expect.arrayContaining(['bands[1].min']));

    const bad = rawFile('kawal-checklist.v1.yaml');
    bad.key = 'Kawal_Checklist';
    bad.version = 0;
    bad.bands[0].zone = 'blue';
    bad.bands[1].min = 75.001;
    bad.extra = true;
    expect(validationIssues(bad)).toEqual(
      expect.arrayContaining([
        { path: '', rule: 'has unknown field(s): extra' },
        { path: 'key', rule: 'must be lower-case kebab-case, e.g. ombudsman-kepatuhan' },
        { path: 'version', rule: 'must be at least 1' },
        { path: 'bands[0].zone', rule: 'must be one of green, yellow, red' },
      ]),
    );

    const decimals = rawFile('kawal-checklist.v1.yaml');
    decimals.bands[1].min = 75.001;
    expect(validationIssues(decimals)).toEqual(
      expect.arrayContaining([{ path: 'bands[1].min', rule: "must have at most 2 decimal(s) (the scale's); got 75.001" }]),
    );

    const negative = rawFile('ombudsman-kepatuhan.v2.yaml');
    negative.components[0].weight = 0;
    expect(validationIssues(negative)).toEqual(expect.arrayContaining([{ path: 'components[0].weight', rule: 'must be greater than 0' }]));

    const years = rawFile('ombudsman-kepatuhan.v2.yaml');
    years.appliesTo.toYear = 2020;
    expect(validationIssues(years)).toEqual([{ path: 'appliesTo.toYear', rule: 'must not be before fromYear (2022)' }]);
  });
});

describe('InstrumentRegistry', () => {
  it('gets a version, or the latest, and says clearly what is unknown', () => {
    expect(registry.get('ombudsman-kepatuhan').version).toBe(2);
    expect(registry.get('ombudsman-kepatuhan', 1)).toBe(v1);
    expect(registry.has('ombudsman-kepatuhan')).toBe(true);
    expect(registry.has('ombudsman-kepatuhan', 2)).toBe(true);
    expect(registry.has('ombudsman-kepatuhan', 3)).toBe(false);
    expect(registry.has('sakip')).toBe(false);
    expect(() => registry.get('ombudsman-kepatuhan', 3)).toThrow(UnknownInstrumentError);
    expect(() => registry.get('ombudsman-kepatuhan', 3)).toThrow('instrument "ombudsman-kepatuhan" has no version 3; its versions are 1, 2');
    expect(() => registry.get('sakip')).toThrow(/unknown instrument "sakip"; known instruments: kawal-checklist, ombudsman-kepatuhan, pekppp/);
    expect(InstrumentRegistry.builtIn()).toBe(registry);
    expect(registry.fileOf('pekppp', 1)).toBe(path.join(INSTRUMENTS_DIR, 'pekppp.v1.yaml'));
  });

  it('picks the version for an assessment year', () => {
    expect(registry.forYear('ombudsman-kepatuhan', 2013)).toBe(v1);
    expect(registry.forYear('ombudsman-kepatuhan', 2021)).toBe(v1);
    expect(registry.forYear('ombudsman-kepatuhan', 2022)).toBe(v2);
    expect(registry.forYear('ombudsman-kepatuhan', 2023)).toBe(v2);
    // After every toYear: the latest version.
    expect(registry.forYear('ombudsman-kepatuhan', 2026)).toBe(registry.get('ombudsman-kepatuhan'));
    expect(() => registry.forYear('ombudsman-kepatuhan', 2012)).toThrow('no version of instrument "ombudsman-kepatuhan" applies to 2012; the earliest applies from 2013');
    expect(() => registry.forYear('ombudsman-kepatuhan', 2012)).toThrow(UnknownInstrumentError);
    expect(registry.forYear('pekppp', 2030)).toBe(pekppp);
  });

  it('resolves a gap between versions to the one that ended most recently', () => {
    const a = rawFile('ombudsman-kepatuhan.v1.yaml');
    a.appliesTo = { fromYear: 2013, toYear: 2015 };
    const b = rawFile('ombudsman-kepatuhan.v2.yaml');
    b.appliesTo = { fromYear: 2018, toYear: 2019 };
    const r = InstrumentRegistry.of([b, a]);
    expect(r.forYear('ombudsman-kepatuhan', 2016).version).toBe(1);
    expect(r.forYear('ombudsman-kepatuhan', 2018).version).toBe(2);
    expect(r.forYear('ombudsman-kepatuhan', 2020).version).toBe(2);
    expect(r.list().map((i) => i.version)).toEqual([1, 2]);
  });

  describe('loading a folder', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'kawal-instruments-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('reads yaml, yml and json files and ignores the rest', () => {
      writeFileSync(path.join(dir, 'a.yml'), readFileSync(path.join(INSTRUMENTS_DIR, 'ombudsman-kepatuhan.v1.yaml')));
      writeFileSync(path.join(dir, 'b.json'), JSON.stringify(rawFile('pekppp.v1.yaml')));
      writeFileSync(path.join(dir, 'README.md'), '# not an instrument');
      expect(InstrumentRegistry.load(dir).list().map((i) => `${i.key} v${i.version}`)).toEqual(['ombudsman-kepatuhan v1', 'pekppp v1']);
    });

    it('rejects the same key and version in two files, naming both', () => {
      const text = readFileSync(path.join(INSTRUMENTS_DIR, 'ombudsman-kepatuhan.v2.yaml'), 'utf8');
      writeFileSync(path.join(dir, 'first.yaml'), text);
      writeFileSync(path.join(dir, 'second.yaml'), text);
      expect(() => InstrumentRegistry.load(dir)).toThrow(InstrumentValidationError);
      expect(() => InstrumentRegistry.load(dir)).toThrow(
        `ombudsman-kepatuhan v2 is defined in both ${path.join(dir, 'first.yaml')} and ${path.join(dir, 'second.yaml')}`,
      );
    });

    it('names the file that is not valid YAML or breaks the schema', () => {
      writeFileSync(path.join(dir, 'broken.yaml'), 'key: [unclosed');
      expect(() => InstrumentRegistry.load(dir)).toThrow(new RegExp(`Instrument file ${path.join(dir, 'broken.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is invalid: \\(root\\) is not valid YAML`));
      writeFileSync(path.join(dir, 'broken.yaml'), 'key: x\nversion: 1\n');
      expect(() => InstrumentRegistry.load(dir)).toThrow(/broken\.yaml is invalid: .*name/);
    });

    it('fails clearly for a missing folder', () => {
      expect(() => InstrumentRegistry.load(path.join(dir, 'nope'))).toThrow(ScoringError);
      expect(() => InstrumentRegistry.load(path.join(dir, 'nope'))).toThrow(/instrument folder not found/);
    });
  });
});

describe('roundTo', () => {
  it('rounds half away from zero on the decimal value', () => {
    expect(roundTo(1.005, 2)).toBe(1.01); // stored as 1.00499999999999989…
    expect(roundTo(-1.005, 2)).toBe(-1.01);
    expect(roundTo(2.5, 0)).toBe(3);
    expect(roundTo(10.925, 2)).toBe(10.93);
    expect(roundTo(88.02 - 69.63, 2)).toBe(18.39); // 18.389999999999986
    expect(roundTo(1e-7, 2)).toBe(0);
    expect(Object.is(roundTo(-0.001, 2), 0)).toBe(true);
    expect(() => roundTo(Number.NaN, 2)).toThrow(ScoringError);
    expect(() => roundTo(1, -1)).toThrow(ScoringError);
  });
});

describe('classify', () => {
  it('classifies Ombudsman 2022-2024 scores (v2)', () => {
    const a = classify(v2, 88.02);
    expect(a).toEqual({
      score: 88.02,
      zone: 'green',
      category: 'A',
      label: { id: 'Kualitas Tertinggi', en: 'Highest quality' },
      band: { min: 88, max: 100 },
      next: null,
    });
    const c = classify(v2, 69.63);
    expect([c.category, c.zone]).toEqual(['C', 'yellow']);
    // 78 − 69.63 = 8.37
    expect(c.next).toEqual({ category: 'B', zone: 'green', label: { id: 'Kualitas Tinggi', en: 'High quality' }, minScore: 78, pointsNeeded: 8.37 });
    expect([classify(v2, 50).category, classify(v2, 50).zone]).toEqual(['D', 'red']);
    expect(classify(v2, 78).category).toBe('B');
    expect(classify(v2, 87.99).category).toBe('B');
    expect(classify(v2, 87.99).next?.pointsNeeded).toBe(0.01);
    expect(classify(v2, 31.99).category).toBe('E');
    expect(classify(v2, 0).category).toBe('E');
    expect(classify(v2, 100).category).toBe('A');
    // Rounded to 2 decimals first: 87.995 is 88.00.
    expect(classify(v2, 87.995)).toMatchObject({ score: 88, category: 'A' });
  });

  it('classifies Ombudsman scores before 2022 (v1)', () => {
    expect(classify(v1, 83.98)).toMatchObject({ zone: 'green', category: 'Tinggi', label: { id: 'Zona Hijau — kepatuhan tinggi' } });
    expect(classify(v1, 80.99)).toMatchObject({ zone: 'yellow', category: 'Sedang' });
    expect(classify(v1, 51)).toMatchObject({ zone: 'yellow', category: 'Sedang' });
    expect(classify(v1, 50.99)).toMatchObject({ zone: 'red', category: 'Rendah', next: { category: 'Sedang', minScore: 51, pointsNeeded: 0.01 } });
  });

  it('classifies PEKPPP indices', () => {
    expect(classify(pekppp, 4.51)).toMatchObject({ category: 'A', zone: 'green', label: { id: 'Pelayanan Prima' } });
    expect(classify(pekppp, 3.2)).toMatchObject({ category: 'B-', zone: 'yellow', label: { id: 'Baik (dengan catatan)' } });
    expect(classify(pekppp, 4.5).category).toBe('A-');
    expect(classify(pekppp, 1).category).toBe('E');
  });

  it('rejects a score off the scale, naming the score and the range', () => {
    expect(() => classify(v2, 100.01)).toThrow(ScoringError);
    expect(() => classify(v2, 100.01)).toThrow('Score 100.01 is outside the scale 0.00–100.00 of ombudsman-kepatuhan v2');
    expect(() => classify(pekppp, 0.99)).toThrow('Score 0.99 is outside the scale 1.00–5.00 of pekppp v1');
    expect(() => classify(v2, Number.NaN)).toThrow(ScoringError);
  });
});

describe('combine', () => {
  it('takes the weighted average of the Ombudsman dimensions', () => {
    // (90×21.85 + 85.5×32.37 + 70×24.24 + 95×21.54) / 100 = (1966.5 + 2767.635 + 1696.8 + 2046.3) / 100 = 84.77235
    const total = combine(v2, { input: 90, proses: 85.5, output: 70, pengaduan: 95 });
    expect(total).toBe(84.77);
    expect(classify(v2, total).category).toBe('B');
    // PEKPPP on 1-5: (5×30 + 4×18 + 3×15 + 4×15 + 2×12 + 1×10) / 100 = (150+72+45+60+24+10)/100 = 3.61
    expect(
      combine(pekppp, { 'kebijakan-pelayanan': 5, 'profesionalisme-sdm': 4, 'sarana-prasarana': 3, 'sistem-informasi': 4, 'konsultasi-pengaduan': 2, inovasi: 1 }),
    ).toBe(3.61);
  });

  it('names a missing, unknown or out-of-range component', () => {
    expect(() => combine(v2, { input: 90, proses: 85, output: 70 })).toThrow('component "pengaduan" of ombudsman-kepatuhan v2 has no score');
    expect(() => combine(v2, { input: 90, proses: 85, output: 70, pengaduan: 95, inovasi: 1 })).toThrow(/unknown component\(s\) "inovasi" for ombudsman-kepatuhan v2/);
    expect(() => combine(v2, { input: 101, proses: 85, output: 70, pengaduan: 95 })).toThrow('component "input" score 101 is outside the scale 0.00–100.00 of ombudsman-kepatuhan v2');
    expect(() => combine(v1, { total: 80 })).toThrow('ombudsman-kepatuhan v1 has no components; give the score directly');
    expect(() => combine(v1, { total: 80 })).toThrow(ScoringError);
  });
});

describe('scoreCase', () => {
  it('scores a partly complete case on the Ombudsman dimensions and shows the way to the next band', () => {
    const tasks: ScoredTask[] = [
      task('i1', 'input', 1, 'APPROVED'),
      task('i2', 'input', 1, 'OPEN'),
      task('i3', 'input', 0, 'OPEN'), // weight 0: does not score, not missing
      task('p1', 'proses', 2, 'APPROVED'),
      task('p2', 'proses', 1, 'WAIVED'),
      task('p3', 'proses', 1, 'SUBMITTED'),
      task('o1', 'output', 1, 'OPEN'),
      task('o2', 'output', 1, 'APPROVED'),
      task('o3', 'output', 2, 'RETURNED'),
      task('a1', 'pengaduan', 1, 'OPEN'),
      task('a2', 'pengaduan', 1, 'APPROVED'),
      task('a3', 'pengaduan', 2, 'APPROVED'),
      task('x1', undefined, 5, 'OPEN'), // no component: does not count
      task('y1', 'lainnya', 5, 'OPEN'), // unknown component: does not count
    ];
    const result = scoreCase(v2, tasks);
    // input 1/2 → 50; proses (2+1)/4 → 75; output 1/4 → 25; pengaduan (1+2)/4 → 75
    expect(result.components).toEqual([
      { key: 'input', name: { id: 'Dimensi Input', en: 'Input dimension' }, weight: 21.85, score: 50, doneWeight: 1, totalWeight: 2 },
      { key: 'proses', name: { id: 'Dimensi Proses', en: 'Process dimension' }, weight: 32.37, score: 75, doneWeight: 3, totalWeight: 4 },
      { key: 'output', name: { id: 'Dimensi Output', en: 'Output dimension' }, weight: 24.24, score: 25, doneWeight: 1, totalWeight: 4 },
      { key: 'pengaduan', name: { id: 'Dimensi Pengaduan', en: 'Complaint handling dimension' }, weight: 21.54, score: 75, doneWeight: 3, totalWeight: 4 },
    ]);
    // (50×21.85 + 75×32.37 + 25×24.24 + 75×21.54) / 100 = (1092.5 + 2427.75 + 606 + 1615.5) / 100 = 57.4175 → 57.42
    expect(result.instrument).toEqual({ key: 'ombudsman-kepatuhan', version: 2, name: v2.name });
    expect(result.score).toBe(57.42);
    expect([result.category, result.zone]).toEqual(['C', 'yellow']);
    expect(result.band).toEqual({ min: 54, max: 77.99 });
    // 78 − 57.42 = 20.58
    expect(result.next).toMatchObject({ category: 'B', minScore: 78, pointsNeeded: 20.58 });
    // gain = (w / W) × 100 × componentWeight / 100:
    //   o3 2/4 × 24.24 = 12.12; i2 1/2 × 21.85 = 10.925 → 10.93; p3 1/4 × 32.37 = 8.0925 → 8.09;
    //   o1 1/4 × 24.24 = 6.06; a1 1/4 × 21.54 = 5.385 → 5.39
    expect(result.missing).toEqual([
      { key: 'o3', title: 'Tugas o3', titleEn: 'Task o3', component: 'output', state: 'RETURNED', gain: 12.12 },
      { key: 'i2', title: 'Tugas i2', titleEn: 'Task i2', component: 'input', state: 'OPEN', gain: 10.93 },
      { key: 'p3', title: 'Tugas p3', titleEn: 'Task p3', component: 'proses', state: 'SUBMITTED', gain: 8.09 },
      { key: 'o1', title: 'Tugas o1', titleEn: 'Task o1', component: 'output', state: 'OPEN', gain: 6.06 },
      { key: 'a1', title: 'Tugas a1', titleEn: 'Task a1', component: 'pengaduan', state: 'OPEN', gain: 5.39 },
    ]);
    // 57.4175 + 12.12 = 69.5375 (< 78); + 10.925 = 80.4625 → 80.46 ≥ 78: o3 and i2 are enough.
    expect(result.toNext).toEqual({
      category: 'B',
      zone: 'green',
      label: { id: 'Kualitas Tinggi', en: 'High quality' },
      minScore: 78,
      pointsNeeded: 20.58,
      reachable: true,
      tasks: [result.missing[0], result.missing[1]],
    });
    expect(result.toNext?.tasks.map((t) => t.key)).toEqual(['o3', 'i2']);
  });

  it('orders equal gains by key', () => {
    const result = scoreCase(checklist, [task('b', undefined, 1, 'OPEN'), task('a', undefined, 1, 'OPEN'), task('c', undefined, 2, 'OPEN')]);
    // c: 2/4 × 100 = 50; a and b: 1/4 × 100 = 25 each
    expect(result.missing.map((m) => [m.key, m.gain])).toEqual([
      ['c', 50],
      ['a', 25],
      ['b', 25],
    ]);
    expect(result).toMatchObject({ score: 0, category: 'D' });
    // 0 + 50 = 50 ≥ 50 (C)
    expect(result.toNext?.tasks.map((t) => t.key)).toEqual(['c']);
  });

  it('reports a next band that no missing task can reach', () => {
    // Only the input dimension has tasks: at best 21.85, below D's 32.
    const result = scoreCase(v2, [task('i1', 'input', 1, 'APPROVED'), task('i2', 'input', 1, 'OPEN')]);
    // 50 × 21.85 / 100 = 10.925 → 10.93
    expect(result).toMatchObject({ score: 10.93, category: 'E', zone: 'red' });
    expect(result.components.map((c) => [c.key, c.score, c.totalWeight])).toEqual([
      ['input', 50, 2],
      ['proses', 0, 0],
      ['output', 0, 0],
      ['pengaduan', 0, 0],
    ]);
    // 32 − 10.93 = 21.07; everything done gives 21.85 < 32
    expect(result.toNext).toMatchObject({ category: 'D', minScore: 32, pointsNeeded: 21.07, reachable: false });
    expect(result.toNext?.tasks).toEqual([{ key: 'i2', title: 'Tugas i2', titleEn: 'Task i2', component: 'input', state: 'OPEN', gain: 10.93 }]);
  });

  it('has no way to the next band in the top band', () => {
    const result = scoreCase(v2, [
      task('i1', 'input', 1, 'APPROVED'),
      task('p1', 'proses', 1, 'APPROVED'),
      task('o1', 'output', 1, 'WAIVED'),
      task('a1', 'pengaduan', 1, 'APPROVED'),
    ]);
    expect(result).toMatchObject({ score: 100, category: 'A', zone: 'green', next: null, toNext: null, missing: [] });
  });

  it('scores from scale.min on a 1-5 scale', () => {
    // kebijakan-pelayanan all done → 5; the other five aspects have no tasks → 1.
    // (5×30 + 1×70) / 100 = 2.2 → C- (2.01-2.50)
    const result = scoreCase(pekppp, [task('sp', 'kebijakan-pelayanan', 1, 'APPROVED'), task('sdm', 'profesionalisme-sdm', 1, 'OPEN')]);
    expect(result).toMatchObject({ score: 2.2, category: 'C-', zone: 'red' });
    // sdm: 1/1 × (5 − 1) × 18 / 100 = 0.72 → 2.92 (C), reaching the next band C (2.51)
    expect(result.missing.map((m) => [m.key, m.gain])).toEqual([['sdm', 0.72]]);
    expect(result.toNext).toMatchObject({ category: 'C', minScore: 2.51, pointsNeeded: 0.31, reachable: true });
    expect(result.toNext?.tasks.map((t) => t.key)).toEqual(['sdm']);
  });

  it('scores a checklist without components as one implicit component', () => {
    const result = scoreCase(checklist, [
      task('t1', 'whatever', 3, 'APPROVED'),
      task('t2', undefined, 1, 'OPEN'),
      task('t3', undefined, 1, 'WAIVED'),
    ]);
    // done 4 of 5 → 80 → B; t2 gains 1/5 × 100 = 20 → 100 ≥ 90 (A)
    expect(result).toMatchObject({ score: 80, category: 'B', zone: 'green' });
    expect(result.components).toEqual([{ key: 'all', name: { id: 'Semua tugas', en: 'All tasks' }, weight: 100, score: 80, doneWeight: 4, totalWeight: 5 }]);
    expect(result.missing).toEqual([{ key: 't2', title: 'Tugas t2', titleEn: 'Task t2', state: 'OPEN', gain: 20 }]);
    expect(result.toNext).toMatchObject({ category: 'A', pointsNeeded: 10, reachable: true });
    expect(scoreCase(checklist, [])).toMatchObject({ score: 0, category: 'D', missing: [], toNext: { reachable: false, tasks: [] } });
  });

  it('rejects a task with a negative or missing weight', () => {
    expect(() => scoreCase(checklist, [task('t1', undefined, -1, 'OPEN')])).toThrow('weight of task "t1" must be at least 0; got -1');
    expect(() => scoreCase(checklist, [{ key: 't1', title: 'x', state: 'OPEN' } as unknown as ScoredTask])).toThrow(/weight of task "t1" must be a finite number/);
  });
});

describe('distribution', () => {
  it('summarises scores by zone, category and histogram bucket', () => {
    const d = distribution(v2, [88.02, 69.63, 50, 78, 87.99, 31.99, 100]);
    // sorted 31.99 50 69.63 78 87.99 88.02 100; sum 505.63 / 7 = 72.2328… → 72.23
    expect(d.count).toBe(7);
    expect(d.mean).toBe(72.23);
    expect(d.median).toBe(78);
    expect(d.min).toBe(31.99);
    expect(d.max).toBe(100);
    expect(d.byZone).toEqual({ green: 4, yellow: 1, red: 2 });
    expect(d.byCategory.map((c) => [c.category, c.zone, c.count])).toEqual([
      ['A', 'green', 2],
      ['B', 'green', 2],
      ['C', 'yellow', 1],
      ['D', 'red', 1],
      ['E', 'red', 1],
    ]);
    expect(d.byCategory[0].label).toEqual({ id: 'Kualitas Tertinggi', en: 'Highest quality' });
    expect(d.histogram).toEqual([
      { from: 0, to: 10, count: 0 },
      { from: 10, to: 20, count: 0 },
      { from: 20, to: 30, count: 0 },
      { from: 30, to: 40, count: 1 },
      { from: 40, to: 50, count: 0 },
      { from: 50, to: 60, count: 1 },
      { from: 60, to: 70, count: 1 },
      { from: 70, to: 80, count: 1 },
      { from: 80, to: 90, count: 2 },
      { from: 90, to: 100, count: 1 }, // includes 100
    ]);
  });

  it('takes the middle pair for an even count and buckets a 1-5 scale', () => {
    const d = distribution(pekppp, [4.51, 3.2, 1.4, 5]);
    // sorted 1.4 3.2 4.51 5; median (3.2 + 4.51) / 2 = 3.855 → 3.86; mean 14.11 / 4 = 3.5275 → 3.53
    expect(d.median).toBe(3.86);
    expect(d.mean).toBe(3.53);
    expect(d.histogram.map((b) => b.from)).toEqual([1, 1.4, 1.8, 2.2, 2.6, 3, 3.4, 3.8, 4.2, 4.6]);
    expect(d.histogram[9].to).toBe(5);
    // 1.4 → bucket 1 (1.4-1.8), 3.2 → bucket 5 (3.0-3.4), 4.51 → bucket 8 (4.2-4.6), 5 → bucket 9
    expect(d.histogram.map((b) => b.count)).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 1, 1]);
    expect(d.byZone).toEqual({ green: 2, yellow: 1, red: 1 });
  });

  it('returns empty counts and null statistics for no scores, and rejects off-scale ones', () => {
    const d = distribution(v1, []);
    expect(d).toMatchObject({ count: 0, mean: null, median: null, min: null, max: null, byZone: { green: 0, yellow: 0, red: 0 } });
    expect(d.byCategory.map((c) => [c.category, c.count])).toEqual([
      ['Tinggi', 0],
      ['Sedang', 0],
      ['Rendah', 0],
    ]);
    expect(d.histogram.every((b) => b.count === 0)).toBe(true);
    expect(() => distribution(v1, [50, 120])).toThrow('scores[1] 120 is outside the scale 0.00–100.00 of ombudsman-kepatuhan v1');
  });
});

describe('trend', () => {
  it('sorts by year and gives each change and the overall direction', () => {
    const t = trend([
      { year: 2023, score: 88.02 },
      { year: 2021, score: 83.98 },
      { year: 2024, score: 95.45 },
      { year: 2022, score: 69.63 },
    ]);
    expect(t).toEqual({
      points: [
        { year: 2021, score: 83.98, change: null },
        { year: 2022, score: 69.63, change: -14.35 },
        { year: 2023, score: 88.02, change: 18.39 },
        { year: 2024, score: 95.45, change: 7.43 },
      ],
      firstYear: 2021,
      lastYear: 2024,
      change: 11.47,
      direction: 'up',
    });
  });

  it('handles empty, single and falling series, and rejects a repeated year', () => {
    expect(trend([])).toEqual({ points: [], firstYear: null, lastYear: null, change: null, direction: null });
    expect(trend([{ year: 2023, score: 70 }])).toMatchObject({ change: 0, direction: 'flat', firstYear: 2023, lastYear: 2023 });
    expect(trend([{ year: 2022, score: 80 }, { year: 2023, score: 79.5 }])).toMatchObject({ change: -0.5, direction: 'down' });
    expect(() => trend([{ year: 2022, score: 80 }, { year: 2022, score: 81 }])).toThrow(ScoringError);
    expect(() => trend([{ year: 2022, score: 80 }, { year: 2022, score: 81 }])).toThrow('year 2022 appears more than once in the trend');
  });
});

// Keeps the Instrument type in the public API exercised by the compiler.
const _typed: Instrument = v2;
void _typed;
