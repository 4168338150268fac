// registration/: zero-code wiring; the only folder that may touch SDK or API internals.
import { ProxyTracerProvider, type TracerProvider, trace } from '@opentelemetry/api';
import { reportConfig } from '../config/report-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import { logger } from '../otel/diag-logger.js';
import { loadTraceSdk } from '../otel/load-trace-sdk.js';
import { createMosaicSpanProcessor } from '../processor/create-mosaic-span-processor.js';
import { NOOP_SPAN_PROCESSOR } from '../processor/noop-span-processor.js';
import type { MosaicTelemetryConfig } from '../types.js';
import { attachSpanProcessor, isAttachable } from './attach-span-processor.js';
import { flushOnExit } from './flush-on-exit.js';
import { HandoverTracerProvider } from './handover-tracer-provider.js';
import { installContextManager } from './install-context-manager.js';
import { RegisteredSpanProcessor } from './registered-span-processor.js';
import { withVisibleDiag } from './with-visible-diag.js';

/** Where a registration takes task spans from. */
export type MosaicWiring =
  /** Our processor sits in the app's own SDK tracer provider. */
  | 'app-provider'
  /** No SDK provider is registered (yet): a minimal one of ours serves the OTel API. */
  | 'fallback-provider'
  /** Telemetry is off, or the registered provider cannot take our processor. */
  | 'none';

/** What `registerMosaicTelemetry` set up. */
export interface MosaicRegistration {
  /** Whether telemetry runs: switched on, a valid config and an OTel trace SDK found. */
  readonly enabled: boolean;
  /** Where task spans come from now; changes from `fallback-provider` when the app registers. */
  readonly wiring: MosaicWiring;
  /** Delivers every task span ended so far. */
  forceFlush(): Promise<void>;
  /** Removes the exit hooks, delivers what is queued and stops the processor. */
  shutdown(): Promise<void>;
}

const REGISTRATION_KEY = Symbol.for('@mosaicstack/telemetry-exporter.registration');
const resolved = Promise.resolve();
const DISABLED: MosaicRegistration = Object.freeze({
  enabled: false,
  wiring: 'none',
  forceFlush: () => resolved,
  shutdown: () => resolved,
});

type Globals = Record<symbol, MosaicRegistration | undefined>;
type ProxyLike = { getDelegate?: () => unknown; setDelegate?: (delegate: TracerProvider) => void };

/**
 * Reports task spans without touching the app's OTel setup: what the register entry
 * (`node --import @mosaicstack/telemetry-exporter/register app.js`) runs, for setups that cannot
 * pass a flag. Creates the Mosaic processor and attaches it to the SDK tracer provider the app
 * registers globally, whether before or after this call; until one is registered, a minimal
 * provider of ours serves the OTel API. Flushes on SIGTERM, SIGINT and `beforeExit`. Once per
 * process: later calls return the first enabled registration. Never throws.
 * @example registerMosaicTelemetry({ harness: 'custom' })
 */
export function registerMosaicTelemetry(config?: MosaicTelemetryConfig): MosaicRegistration {
  const globals = globalThis as Globals;
  const existing = globals[REGISTRATION_KEY];
  if (existing !== undefined) {
    logger.debug('Mosaic telemetry is registered already; this call changes nothing');
    return existing;
  }
  try {
    const settings = resolveConfig(config);
    // Off and nothing to say: touch nothing at all (not even the OTel API's globals).
    if (!settings.switchedOn && settings.warnings.length === 0) return DISABLED;
    return withVisibleDiag(() => {
      if (!reportConfig(settings)) return DISABLED;
      const inner = createMosaicSpanProcessor(config);
      if (inner === NOOP_SPAN_PROCESSOR) return DISABLED;
      const registration = wire(new RegisteredSpanProcessor(inner));
      globals[REGISTRATION_KEY] = registration;
      return registration;
    });
  } catch (error) {
    logger.error(`Mosaic telemetry runs disabled: ${String(error)}`);
    return DISABLED;
  }
}

function wire(processor: RegisteredSpanProcessor): MosaicRegistration {
  let wiring: MosaicWiring = 'none';
  const proxy = trace.getTracerProvider() as TracerProvider & ProxyLike;
  const current = typeof proxy.getDelegate === 'function' ? proxy.getDelegate() : proxy;
  const noop = new ProxyTracerProvider().getDelegate();

  if (isAttachable(current)) {
    // The app registered its SDK before us (e.g. an earlier --import or --require).
    wiring = attach(current, processor) ? 'app-provider' : 'none';
  } else if (current !== noop || typeof proxy.setDelegate !== 'function') {
    logger.warn(
      'the registered tracer provider is not an OTel SDK provider: no task spans will be reported; add createMosaicSpanProcessor() to its span processors instead',
    );
  } else {
    wiring = 'fallback-provider';
    installFallback(proxy as ProxyTracerProvider, processor, () => {
      wiring = 'app-provider';
    });
  }

  const removeHooks = flushOnExit(processor);
  return {
    enabled: true,
    get wiring() {
      return wiring;
    },
    forceFlush: () => processor.forceFlush(),
    shutdown: () => {
      removeHooks();
      delete (globalThis as Globals)[REGISTRATION_KEY];
      return processor.shutdown();
    },
  };
}

/**
 * Serves the OTel API with a minimal SDK provider of ours until the app registers its own, then
 * attaches to the app's. We run before the app (`--import` modules are evaluated before the main
 * module, and a `setImmediate` fires before an ES main module is evaluated, so deferring is no
 * answer), and registering a provider globally would make the app's later
 * `trace.setGlobalTracerProvider()` (NodeSDK's `start()`) fail as a duplicate. So ours is set as
 * the delegate of the API's proxy provider WITHOUT registering the global: `trace.getTracer()`
 * reaches it, and the app's registration still succeeds, setting its provider as the proxy's
 * delegate through `setDelegate`, which we watch to attach our processor to it and to move our
 * tracers over. The context manager yields the same way (see `installContextManager`).
 */
function installFallback(
  proxy: ProxyTracerProvider,
  processor: RegisteredSpanProcessor,
  onAttached: () => void,
): void {
  const SdkProvider = loadTraceSdk().TracerProvider as new (config: {
    spanProcessors: unknown[];
  }) => TracerProvider;
  const handover = new HandoverTracerProvider(new SdkProvider({ spanProcessors: [processor] }));
  installContextManager();
  const setDelegate = proxy.setDelegate;
  proxy.setDelegate = (delegate: TracerProvider) => {
    setDelegate.call(proxy, delegate);
    if (delegate === handover) return;
    handover.handOver(delegate);
    if (attach(delegate, processor)) onAttached();
  };
  setDelegate.call(proxy, handover);
}

function attach(provider: unknown, processor: RegisteredSpanProcessor): boolean {
  const result = attachSpanProcessor(provider, processor);
  if (result === 'unsupported') {
    logger.warn(
      'cannot add the Mosaic processor to the registered tracer provider: no task spans will be reported; add createMosaicSpanProcessor() to its span processors instead',
    );
    return false;
  }
  if (result === 'already-attached') {
    logger.info(
      'the registered tracer provider has a Mosaic processor already; not adding another',
    );
  }
  return true;
}
