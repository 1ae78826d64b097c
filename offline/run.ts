/**
 * Child-process entry: runs the real index.ts under recording mocks with the config in
 * NOTES_AUTH_RUN and writes what it registered to NOTES_AUTH_RUN_OUT. One process per stack
 * config, because Node caches the program's modules.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks } from "./mocks";
import type { RunRequest, StackRun } from "./runStack";

async function main(): Promise<void> {
  const request: RunRequest = JSON.parse(process.env.NOTES_AUTH_RUN ?? "{}");
  const out = process.env.NOTES_AUTH_RUN_OUT!;
  const project = "notes-auth";
  const recorded = await installRecordingMocks(project, request.stack);
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.config)) {
    config[key.includes(":") ? key : `${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  pulumi.runtime.setAllConfig(config, (request.secretKeys ?? []).map((k) => (k.includes(":") ? k : `${project}:${k}`)));

  // A program error (bad config, say) is caught where it is thrown, so it is reported with
  // the resources registered before it: the tests prove that list is empty.
  let failure: unknown;
  let exported: Record<string, unknown> = {};
  await pulumi.runtime.runInPulumiStack(async () => {
    try {
      exported = { ...require(path.join(__dirname, "..", "index.ts")) };
      return exported;
    } catch (err) {
      failure = err;
      return {};
    }
  });
  await settle(recorded);
  const result: StackRun = failure === undefined
    ? { resources: recorded, outputs: await plain(exported), revealedOutputs: await plain(exported, true) }
    : { resources: recorded, outputs: {}, error: failure instanceof Error ? failure.message : String(failure) };
  fs.writeFileSync(out, JSON.stringify(result));
}

/** Waits until no new resource has been registered for a few event-loop turns. */
async function settle(recorded: unknown[]): Promise<void> {
  let last = -1;
  for (let quiet = 0; quiet < 5; ) {
    await new Promise((r) => setTimeout(r, 20));
    if (recorded.length === last) quiet++;
    else (quiet = 0), (last = recorded.length);
  }
}

/** Stack outputs as plain JSON; secrets are marked, never printed (`reveal`: their mock values, for local mode). */
async function plain(value: any, reveal = false): Promise<any> {
  if (pulumi.Output.isInstance(value)) {
    const secret = await pulumi.isSecret(value);
    const inner = await new Promise((resolve) => value.apply(resolve));
    return secret && !reveal ? { secret: true, keys: inner && typeof inner === "object" ? Object.keys(inner as object) : [] } : plain(inner, reveal);
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => plain(v, reveal)));
  if (value && typeof value === "object") {
    if (value.__pulumiOutput || value.__pulumiResource) return undefined;
    if ("4dabf18193072939515e22adb298388d" in value) {
      // A secret after massaging: say which keys it holds, never the values.
      if (reveal) return plain(value.value, reveal);
      return { secret: true, keys: value.value && typeof value.value === "object" ? Object.keys(value.value) : [] };
    }
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await plain(v, reveal)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
});
