import releaseSyncVariant from '@jitl/quickjs-wasmfile-release-sync';
import {
  type CustomizeVariantOptions,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';

const WASM_PAGE_BYTES = 64 * 1024;

/**
 * The build's INITIAL_MEMORY (16 MB). Its 5 MB C stack and static data live in here, so the rest of
 * it is heap on top of whatever growth the memory limit allows.
 */
const BASE_PAGES = 256;

/**
 * The QuickJS WebAssembly instances the JavaScript sandbox evaluates in: one active and one spare.
 *
 * The memory limit is enforced by giving each instance a WebAssembly.Memory with a `maximum`, not by
 * QuickJS's own JS_SetMemoryLimit: that one counts allocations with malloc_usable_size, which this
 * Emscripten build lacks, so it charges 8 bytes per allocation whatever its size (measured: a 32 MB
 * limit let a loop of 1 MB strings grow the instance to 2 GB, and linear memory never shrinks). With
 * a maximum, growth past it fails, malloc returns NULL and QuickJS throws a clean out-of-memory.
 *
 * The spare exists because some failures leave an instance unusable: a host stack overflow raised
 * inside WebAssembly (V8's native stack can run out before QuickJS's stack check notices, see
 * javascript-sandbox.ts) unwinds through C code that never gets to restore its state, and an abort
 * (such as JS_FreeRuntime's leak assertion) poisons the instance for good. Loading a replacement is
 * asynchronous but evaluation is not, so the spare is loaded up front and promoted synchronously.
 */
export interface QuickJsEngine {
  /** Heap growth each instance may make beyond its 16 MB base memory. */
  readonly memoryLimitBytes: number;
  /** The instance to evaluate in; undefined only while both instances are being replaced. */
  current(): QuickJSWASMModule | undefined;
  /** Retires an instance whose state can no longer be trusted; the spare takes over at once. */
  discard(instance: QuickJSWASMModule): void;
}

type WasmMemory = Exclude<NonNullable<CustomizeVariantOptions['wasmMemory']>, () => unknown>;
type WasmMemoryConstructor = new (descriptor: { initial: number; maximum: number }) => WasmMemory;

// The project's lib (ES2023, no DOM) declares no WebAssembly value, although Node has one.
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryConstructor } }).WebAssembly;

const loadInstance = (memoryLimitBytes: number): Promise<QuickJSWASMModule> => {
  const wasmMemory = new Memory({
    initial: BASE_PAGES,
    maximum: BASE_PAGES + Math.ceil(memoryLimitBytes / WASM_PAGE_BYTES),
  });
  return newQuickJSWASMModuleFromVariant(newVariant(releaseSyncVariant, { wasmMemory }));
};

export async function loadQuickJsEngine(memoryLimitBytes: number): Promise<QuickJsEngine> {
  let [active, spare] = (await Promise.all([
    loadInstance(memoryLimitBytes),
    loadInstance(memoryLimitBytes),
  ])) as [QuickJSWASMModule | undefined, QuickJSWASMModule | undefined];
  let refilling = false;

  const refill = (): void => {
    if (refilling || (active && spare)) return;
    // The load starts on a later microtask, with a fresh stack: discard() may be running at the edge
    // of an exhausted one, and nothing here may throw half-way and leave `refilling` stuck.
    Promise.resolve(memoryLimitBytes)
      .then(loadInstance)
      .then(
        (instance) => {
          refilling = false;
          if (!active) active = instance;
          else spare = instance;
          refill();
        },
        () => {
          // Nothing is kept; the next discard() or current() tries again.
          refilling = false;
        },
      );
    refilling = true;
  };

  return {
    memoryLimitBytes,
    current() {
      if (!active) refill();
      return active;
    },
    discard(instance) {
      if (instance !== active) return;
      // Dropping every reference is the whole disposal: freeing inside a broken instance could abort.
      active = spare;
      spare = undefined;
      refill();
    },
  };
}
