import * as path from "path";
import * as esbuild from "esbuild";
import * as pulumi from "@pulumi/pulumi";

/** The handler entry point that the one Lambda function runs. */
export const HANDLER_ENTRY = path.join(__dirname, "..", "..", "handlers", "api.ts");

export interface HandlerBundle {
  /** Minified CommonJS for nodejs22.x; exports `handler`. */
  code: string;
  /** Bytes of `code`. */
  bytes: number;
}

const cache = new Map<string, HandlerBundle>();

/**
 * Bundles a handler with esbuild when the program runs (no closure serialization).
 * The AWS SDK v3 stays external: the nodejs22.x runtime provides it.
 */
export function bundleHandler(entry: string = HANDLER_ENTRY): HandlerBundle {
  const hit = cache.get(entry);
  if (hit) return hit;
  const result = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    legalComments: "none",
    external: ["@aws-sdk/*", "@smithy/*"],
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].text;
  const bundle = { code, bytes: Buffer.byteLength(code) };
  cache.set(entry, bundle);
  return bundle;
}

/** The bundle as a Lambda deployment archive with `index.js` at its root (handler `index.handler`). */
export function handlerArchive(entry?: string): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleHandler(entry).code) });
}
