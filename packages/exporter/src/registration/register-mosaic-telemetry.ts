// registration/: zero-code wiring; the only folder that may touch SDK or API internals.
import { ProxyTracerProvider, type TracerProvider, trace } from '@opentelemetry/api';
import { reportConfig } from '../config/report-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import { logger } from '../otel/diag-logger.js';
import { loadTraceSdk } from '../otel/load-trace-sdk.js';
import { createPipeline } from '../processor/create-mosaic-span-processor.js';
import type { MosaicTelemetryConfig } from '../types.js';
import { apiRegistry, appApiVersion, ownApiVersion } from './api-global-registry.js';
import { attachSpanProcessor, isAttachable } from './attach-span-processor.js';
import { flushOnExit } from './flush-on-exit.js';
import { HandoverTracerProvider } from './handover-tracer-provider.js';
import { hookApiRegistry, type RegistryHook } from './hook-api-registry.js';
import { createContextManager } from './install-context-manager.js';
import { RegisteredSpanProcessor } from './registered-span-processor.js';

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
    // Off: touch nothing at all (not even the OTel API's globals); say what was ignored.
    if (!reportConfig(settings)) return DISABLED;
    const registration = wire(new RegisteredSpanProcessor(createPipeline(settings)));
    globals[REGISTRATION_KEY] = registration;
    return registration;
  } catch (error) {
    logger.error(`Mosaic telemetry runs disabled: ${String(error)}`);
    return DISABLED;
  }
}

function wire(processor: RegisteredSpanProcessor): MosaicRegistration {
  let wiring: MosaicWiring = 'none';
  let hook: RegistryHook | undefined;
  const proxy = trace.getTracerProvider() as TracerProvider & ProxyLike;
  const current = typeof proxy.getDelegate === 'function' ? proxy.getDelegate() : proxy;
  const noop = new ProxyTracerProvider().getDelegate();

  if (isAttachable(current)) {
    // The app registered its SDK before us (e.g. an earlier --import or --require).
    wiring = attach(current, processor) ? 'app-provider' : 'none';
  } else if (current !== noop) {
    logger.warn(
      'the registered tracer provider is not an OTel SDK provider: no task spans will be reported; add createMosaicSpanProcessor() to its span processors instead',
    );
  } else {
    wiring = 'fallback-provider';
    hook = installFallback(proxy, processor, () => {
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
      hook?.remove();
      delete (globalThis as Globals)[REGISTRATION_KEY];
      return processor.shutdown();
    },
  };
}

/**
 * Serves every copy of the OTel API with a minimal SDK provider of ours (and a context manager)
 * until the app registers its own, then attaches our processor to the app's. We run before the
 * app (`--import` modules are evaluated before the main module), and registering ours the normal
 * way would make the app's later `trace.setGlobalTracerProvider()` (NodeSDK's `start()`) fail as a
 * duplicate. So ours is served through the API's global registry without being registered (see
 * `hookApiRegistry`): each copy that reads the registry finds it, and a copy's own registration
 * replaces it; then our tracers move over to the app's provider (`HandoverTracerProvider`) and our
 * processor joins its processors (`attachSpanProcessor`).
 */
function installFallback(
  ownProxy: TracerProvider & ProxyLike,
  processor: RegisteredSpanProcessor,
  onAttached: () => void,
): RegistryHook {
  const SdkProvider = loadTraceSdk().TracerProvider as new (config: {
    spanProcessors: unknown[];
  }) => TracerProvider;
  const handover = new HandoverTracerProvider(new SdkProvider({ spanProcessors: [processor] }));

  // The registry pins the API version every registration must match: keep one that exists, else
  // take the app's own API version (its NodeSDK registers with it), else ours.
  const version = apiRegistry()?.version ?? appApiVersion() ?? ownApiVersion() ?? '1.9.0';
  const hook = hookApiRegistry(version, {
    onRefused: (type, pinned) =>
      logger.warn(
        `a copy of @opentelemetry/api other than v${pinned} tried to register its ${type} global and was refused: spans made through that copy are not reported; make every package use one @opentelemetry/api (npm ls @opentelemetry/api), or drop the register entry and add createMosaicSpanProcessor() to your SDK's spanProcessors`,
      ),
    onUnreadable: (pinned) =>
      logger.warn(
        `a copy of @opentelemetry/api newer than v${pinned} cannot read the global OTel registry: spans made through it are not reported; make every package resolve the same @opentelemetry/api (npm ls @opentelemetry/api); in Next.js add serverExternalPackages: ['@opentelemetry/api'] to next.config`,
      ),
  });
  hook.provide('trace', handover, (registered) => {
    if (typeof registered !== 'object' || registered === null || registered === handover) return;
    handover.handOver(registered as TracerProvider);
    const onProvider = (provider: unknown) => {
      if (attach(provider, processor)) onAttached();
    };
    const app = registered as ProxyLike;
    if (typeof app.setDelegate !== 'function' || typeof app.getDelegate !== 'function') {
      onProvider(registered); // a provider put in the registry by hand, not through the API
      return;
    }
    // `trace.setGlobalTracerProvider(p)` registers the API copy's proxy, then calls
    // `proxy.setDelegate(p)`: catch that one call on this proxy object (an own property, removed
    // at once) to attach before the app's first span starts.
    const setDelegate = app.setDelegate;
    app.setDelegate = (provider: TracerProvider) => {
      delete app.setDelegate;
      setDelegate.call(app, provider);
      onProvider(provider);
    };
  });
  const manager = createContextManager();
  if (manager !== undefined) {
    hook.provide('context', manager, (registered) => {
      if (registered !== manager) manager.disable();
    });
  }
  // Our own copy of the API, when it is newer than the registry's version, reads no global: its
  // proxy gets ours as delegate (once; the app's registration goes through another copy).
  if (trace.getTracerProvider() !== handover && typeof ownProxy.setDelegate === 'function') {
    ownProxy.setDelegate(handover);
  }
  return hook;
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
