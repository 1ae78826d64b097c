import * as path from "path";
import * as esbuild from "esbuild";
import * as pulumi from "@pulumi/pulumi";

/** The handler entry point that the one Lambda function runs. */
export const HANDLER_ENTRY = path.join(__dirname, "..", "..", "handlers", "entries", "api.ts");

export interface HandlerBundle {
  /** Minified CommonJS for nodejs22.x; exports `handler`. */
  code: string;
  /** Bytes of `code`. */
  bytes: number;
}

const cache = new Map<string, HandlerBundle>();

/**
 * Bundles a handler with esbuild when the program runs (no closure serialization), with every
 * package it needs inside: nothing is left to whatever AWS SDK the runtime happens to ship
 * (the handler uses none; its DynamoDB and S3 calls are signed by aws4 and sent by node's https).
 */
export function bundleHandler(entry: string = HANDLER_ENTRY): HandlerBundle {
  const hit = cache.get(entry);
  if (hit) return hit;
  const code = bundleCode(entry);
  const bundle = { code, bytes: Buffer.byteLength(code) };
  cache.set(entry, bundle);
  return bundle;
}

/**
 * Minified CommonJS for nodejs22.x from an entry point; `external` packages are left to the runtime (the benchmark's
 * comparison only).
 */
export function bundleCode(entry: string, external: string[] = []): string {
  const result = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    legalComments: "none",
    external,
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

/** The bundle as a Lambda deployment archive with `index.js` at its root (handler `index.handler`). */
export function handlerArchive(entry?: string): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleHandler(entry).code) });
}
