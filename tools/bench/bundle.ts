import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { HANDLER_ENTRY, bundleCode, bundleHandler } from "../../components/backend/bundle";

const ROOT = path.join(__dirname, "..", "..");

/** The conventional handler (AWS SDK v3 DocumentClient + s3-request-presigner), built for the benchmark only. */
export const CONVENTIONAL_ENTRY = path.join(ROOT, "tools", "bench", "conventional.ts");

/** What the cold-start comparison loads, besides an empty process. */
export const VARIANTS = ["ours", "conventional", "conventionalSdkExternal"] as const;
export type Variant = (typeof VARIANTS)[number];

export const VARIANT_LABELS: Record<Variant, string> = {
  ours: "our bundle (handlers/entries/api.ts)",
  conventional: "conventional handler, SDK v3 bundled",
  conventionalSdkExternal: "conventional handler, SDK v3 external (as the runtime provides it)",
};

/**
 * The code of a variant: ours is exactly what the stack deploys; the conventional one built the same way, SDK bundled
 * or left external.
 */
export function variantCode(variant: Variant): string {
  if (variant === "ours") return bundleHandler().code;
  return bundleCode(CONVENTIONAL_ENTRY, variant === "conventionalSdkExternal" ? ["@aws-sdk/*", "@smithy/*"] : []);
}

export interface BundleFigures {
  variant: Variant;
  entry: string;
  minifiedBytes: number;
  gzippedBytes: number;
}

/**
 * Bytes of each variant's index.js, minified and gzipped (an external SDK is not counted: it is on the runtime's disk).
 */
export function bundleFigures(): BundleFigures[] {
  return VARIANTS.map((variant) => {
    const code = variantCode(variant);
    const entry = variant === "ours" ? HANDLER_ENTRY : CONVENTIONAL_ENTRY;
    return {
      variant,
      entry: path.relative(ROOT, entry),
      minifiedBytes: Buffer.byteLength(code),
      gzippedBytes: zlib.gzipSync(code, { level: 9 }).length,
    };
  });
}

/**
 * Each variant as `<dir>/<variant>/index.js`, inside the project so an external SDK resolves from node_modules as on
 * Lambda.
 */
export function writeVariants(dir: string): Record<Variant, string> {
  return Object.fromEntries(
    VARIANTS.map((variant) => {
      const file = path.join(dir, variant, "index.js");
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, variantCode(variant));
      return [variant, file];
    }),
  ) as Record<Variant, string>;
}
