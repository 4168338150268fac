/** A host as it stands in a URL or a gRPC address: an IPv6 address in brackets, else as it is. */
export const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);
