/** @type {import('next').NextConfig} */
const nextConfig = {
  // Nothing Mosaic needs. (No `serverExternalPackages: ['@opentelemetry/api']` either: the copy of
  // the API Next.js bundles reads the same global registry.) The Next.js lane builds once in a
  // fresh directory, where Turbopack's build cache would only be written, never read.
  experimental: { turbopackFileSystemCacheForBuild: false },
};

export default nextConfig;
