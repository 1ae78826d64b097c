import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { spawnSync } from "child_process";
import { HANDLER_ENTRY, bundleHandler } from "../../components/backend/bundle";
import { Summary, summarize } from "./stats";

export interface BundleFigures {
  entry: string;
  minifiedBytes: number;
  gzippedBytes: number;
}

/** Bytes of what goes into the Lambda zip, minified and gzipped, per entry point. */
export function bundleFigures(entries: string[] = [HANDLER_ENTRY]): BundleFigures[] {
  return entries.map((entry) => {
    const { code } = bundleHandler(entry);
    return { entry: path.relative(path.join(__dirname, "..", ".."), entry), minifiedBytes: Buffer.byteLength(code), gzippedBytes: zlib.gzipSync(code, { level: 9 }).length };
  });
}

/** The bundle written where Node resolves the external AWS SDK from this project's node_modules. */
export function writeBundle(dir: string, entry: string = HANDLER_ENTRY): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "index.js");
  fs.writeFileSync(file, bundleHandler(entry).code);
  return file;
}

function spawnMs(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: "ignore", env: { ...process.env, NOTES_TABLE: "bench", ATTACHMENTS_BUCKET: "bench", AUTH_MODE: "cognito" } });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export interface ColdInitFigures {
  emptyProcess: Summary;
  loadBundle: Summary;
  /** Median of loadBundle minus median of emptyProcess. */
  aboveEmptyMedianMs: number;
}

/**
 * Cold init: a fresh Node process loads the bundle and has `handler` ready, minus an empty
 * process. Runs alternate so drift hits both alike.
 */
export function coldInit(bundleFile: string, runs: number): ColdInitFigures {
  const empty: number[] = [];
  const load: number[] = [];
  const script = `const m=require(${JSON.stringify(bundleFile)});if(typeof m.handler!=="function")process.exit(3)`;
  spawnMs(["-e", script]); // warm the file cache
  for (let i = 0; i < runs; i++) {
    empty.push(spawnMs(["-e", ""]));
    load.push(spawnMs(["-e", script]));
  }
  const emptyProcess = summarize(empty);
  const loadBundle = summarize(load);
  return { emptyProcess, loadBundle, aboveEmptyMedianMs: loadBundle.median - emptyProcess.median };
}
