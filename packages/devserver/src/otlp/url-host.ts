/** A host as it stands in a URL: an IPv6 address in brackets, anything else as it is. */
export const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);
