import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { AuthMode } from "../../handlers/authModes";
import type { StackRun } from "../../offline/runStack";
import { RunningLocalStack, startLocalStack } from "../../local/localStack";
import { newSigningKey, signingKeyFile } from "../../local/idp";
import { copyRun } from "../../local/recorded";
import { runMode } from "./stack";

let testKey: ReturnType<typeof newSigningKey> | undefined;

export interface TestDoor extends RunningLocalStack {
  /** What the gateway logged (why it refused calls). */
  logs: string[];
  dataDir: string;
}

/**
 * A local door for a spec: the door's recorded program (memoized, as the stack specs run it),
 * optionally altered, served on free loopback ports with its data in `dataDir` (a fresh temp
 * folder unless given). Close it in `after`.
 */
export async function startTestDoor(mode: AuthMode, opts: { extra?: Record<string, unknown>; alter?: (run: StackRun) => void; dataDir?: string } = {}): Promise<TestDoor> {
  const run = copyRun(await runMode(mode, opts.extra));
  opts.alter?.(run);
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-local-"));
  // One signing key for every test door (RSA key generation is the slowest part of a start).
  if (!fs.existsSync(signingKeyFile(dataDir))) fs.writeFileSync(signingKeyFile(dataDir), JSON.stringify((testKey ??= newSigningKey())));
  const logs: string[] = [];
  const stack = await startLocalStack({ run, stack: "test", dataDir, port: 0, log: (line) => logs.push(line) });
  return { ...stack, logs, dataDir };
}

/** Removes a temp data folder. */
export const removeDir = (dir: string) => fs.rmSync(dir, { recursive: true, force: true });
