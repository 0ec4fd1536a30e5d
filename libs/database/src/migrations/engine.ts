/**
 * Loading Prisma's WebAssembly schema engine (`@prisma/schema-engine-wasm`) and running one engine session.
 *
 * The package is an ES module built for bundlers (wasm-bindgen `--target bundler`): `schema_engine.js`
 * imports the `.wasm` file as a module, which Node cannot do without a flag. Like Prisma's CLI we take only
 * the wasm-bindgen glue (`schema_engine_bg.js`) and instantiate the `.wasm` ourselves.
 *
 * The glue is evaluated as a function body in the caller's JavaScript realm rather than loaded with Node's
 * ESM loader, for two reasons: this project compiles to CommonJS, and under Jest every test file runs in its
 * own realm (vm context) whose module registry cannot load ES modules. A glue loaded in another realm breaks
 * the engine: it checks `value instanceof Promise` on what the adapter returns, and a Promise from another
 * realm fails that check ("Error in the underlying connector (WASM_ERROR): Unknown error"). The glue has no
 * imports; evaluating it only needs its `export` keywords dropped. The layout is checked, and the package
 * version is pinned, so an unexpected change fails loudly here.
 */
import { readFile } from 'node:fs/promises';
import type * as Wasm from '@prisma/schema-engine-wasm';
import { MigrationAdapterFactory, type PgTarget } from './adapter';

type WasmExports = Record<string, unknown>;
type Runtime = typeof Wasm & { __wbg_set_wasm(exports: WasmExports): void };
export type SchemaEngine = Wasm.SchemaEngine;

/** The global WebAssembly API (Node has it; the project's `lib` setting, without DOM, does not type it). */
const WebAssemblyApi = (globalThis as unknown as {
  WebAssembly: {
    Module: new (bytes: Uint8Array) => object;
    Instance: new (module: object, imports: Record<string, object>) => { exports: WasmExports };
  };
}).WebAssembly;

/** One instance per realm: wasm-bindgen's glue keeps module-level state bound to a single instance. */
let runtime: Promise<Runtime> | undefined;

async function loadRuntime(): Promise<Runtime> {
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const source = await readFile(gluePath, 'utf8');
  const names: string[] = [];
  const body = source.replace(/^export (function|class) ([A-Za-z_$][\w$]*)/gm, (_m, kind: string, name: string) => {
    names.push(name);
    return `${kind} ${name}`;
  });
  if (/^\s*(import|export)\b/m.test(body) || !names.includes('SchemaEngine') || !names.includes('__wbg_set_wasm')) {
    throw new Error(`Unexpected layout of ${gluePath}: cannot load the schema engine (is @prisma/schema-engine-wasm pinned?)`);
  }
  // Evaluated in this realm on purpose (see the module comment); the text is the installed package's own file.
  // The engine arms timers (operation time-outs, ~10 s) that it never clears; unref them so that they do not
  // keep a finished process alive. While the engine works, its database sockets keep the process running.
  const unrefSetTimeout = (fn: () => void, ms: number) => setTimeout(fn, ms).unref();
  const rt = new Function('setTimeout', `'use strict';\n${body}\nreturn { ${names.join(', ')} };`)(unrefSetTimeout) as Runtime;
  const bytes = await readFile(gluePath.replace(/\.js$/, '.wasm'));
  const instance = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(bytes), { './schema_engine_bg.js': rt });
  rt.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return rt;
}

/** An error reported by the schema engine, with Prisma's error code when there is one (e.g. P3005). */
export class SchemaEngineError extends Error {
  constructor(message: string, readonly code?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SchemaEngineError';
  }
}

function toEngineError(e: unknown, factory: MigrationAdapterFactory): Error {
  const err = e as { message?: unknown; code?: unknown };
  const message = typeof err?.message === 'string' ? err.message : String(e);
  // Strip the engine's Rust span trace ("   0: schema_engine_wasm::…") from the first line onwards.
  const head = message.split(/\n\s+0: /)[0]?.trim() || message;
  const cause = factory.registry.last();
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const detail = cause instanceof Error && !head.includes(cause.message) ? ` (${cause.message})` : '';
  return new SchemaEngineError(`${head}${detail}`, code, { cause: cause ?? e });
}

export interface EngineSessionOptions {
  /** The Prisma schema file: [path, content]. */
  schema: [string, string];
  logger?: (line: string) => void;
}

/**
 * Start an engine connected to `target`, run `fn`, then free the engine and close every pool (and shadow
 * database) it opened. Engine errors are rethrown as SchemaEngineError.
 */
export async function withSchemaEngine<T>(
  target: PgTarget,
  opts: EngineSessionOptions,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const rt = await (runtime ??= loadRuntime().catch((e: unknown) => {
    runtime = undefined;
    throw e;
  }));
  const log = opts.logger ?? (() => {});
  const factory = new MigrationAdapterFactory(target, log);
  let engine: SchemaEngine | undefined;
  try {
    // The callback receives the engine's tracing output as JSON lines.
    engine = await rt.SchemaEngine.new({ datamodels: [opts.schema] }, (line: string) => log(formatEngineLog(line)), factory.bind());
    return await fn(engine);
  } catch (e) {
    throw toEngineError(e, factory);
  } finally {
    engine?.free();
    await factory.close();
  }
}

function formatEngineLog(line: string): string {
  try {
    const { level, fields } = JSON.parse(line) as { level?: string; fields?: { message?: string } };
    return `[schema-engine] ${level ?? ''} ${fields?.message ?? line}`.trim();
  } catch {
    return `[schema-engine] ${line.trim()}`;
  }
}
