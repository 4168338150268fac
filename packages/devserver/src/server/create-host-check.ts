import { isIP } from 'node:net';
import { isLoopbackHost } from './is-loopback-host.js';

/** Characters a Host header may hold here: a name, an IPv4 or bracketed IPv6 address, a port. */
const HOST_HEADER = /^[\w.\-:[\]]+$/;

/**
 * The name a `Host` header (or an `--allowed-host` entry) names: lower case, IPv6 without
 * brackets, no trailing dot, no port; undefined when it is not a host.
 */
export function hostName(value: string): string | undefined {
  const text = value.trim();
  if (!HOST_HEADER.test(text)) return undefined;
  try {
    const name = new URL(`http://${text}`).hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
    // DNS labels hold at most 63 characters (RFC 1035), so a pasted 64-hex key is no name.
    return name === '' || name.split('.').some((label) => label.length > 63) ? undefined : name;
  } catch {
    return undefined;
  }
}

/** Whom a dev server answers, by the `Host` of each request. */
export interface HostCheckOptions {
  /** The address the server listens on. */
  host: string;
  /** Further names; one starting with a dot also allows every name under it. */
  allowedHosts?: readonly string[];
}

/**
 * Decides from its `Host` header whether a request is addressed to this server, so that a web page
 * which rebinds its own name to 127.0.0.1 (DNS rebinding) cannot read or write through a browser.
 * Allowed, with any port: `localhost`, loopback addresses, the bound host name, the names given;
 * bound beyond loopback, any IP address too (an address literal cannot be rebound).
 */
export function createHostCheck(
  options: HostCheckOptions,
): (header: string | undefined) => boolean {
  const bound = hostName(options.host);
  const exact = new Set(['localhost']);
  const suffixes: string[] = [];
  if (bound !== undefined && isIP(bound) === 0) exact.add(bound);
  for (const entry of options.allowedHosts ?? []) {
    const name = hostName(entry.replace(/^\./, ''));
    if (name === undefined) continue;
    exact.add(name);
    if (entry.trim().startsWith('.')) suffixes.push(`.${name}`);
  }
  const anyAddress = !isLoopbackHost(options.host);
  return (header) => {
    const name = header === undefined ? undefined : hostName(header);
    if (name === undefined) return false;
    if (exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix))) return true;
    if (isIP(name) !== 0) return anyAddress || isLoopbackHost(name);
    return false;
  };
}
