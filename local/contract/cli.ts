/**
 * `npm run contract [-- --door <authMode>[,<authMode>…]] [--set key=value] [--outputs file]`: the contract suite
 * against every door of a running stack (or those --door names), a section and a summary per door. It uses the
 * running local stack's `.local/outputs.json` (or `--outputs`); with none running, it starts the door(s) itself on
 * free ports and stops them at the end. Prints one line per check and a summary.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalCommand, parseLocalArgs, runCli, runningOutputs } from "../cli/command";
import { StackOutputs, atDoor, doorsOf } from "../clients/doorClient";
import { startLocalStack } from "../localStack";
import { recordStack } from "../recorded";
import { ContractContext } from "./context";
import { printChecks, printEveryDoor } from "./runner";

/** `npm run contract`'s flags (its `--help` is made from them). */
export const CONTRACT_COMMAND: LocalCommand = {
  name: "npm run contract",
  summary:
    "Runs the contract suite against the running local door (or --outputs), starting one on a free port when " +
    "none runs.",
  flags: ["door", "stack", "set", "outputs", "data-dir", "verbose"],
};

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const args = parseLocalArgs(argv, CONTRACT_COMMAND);
  let outputs: StackOutputs | undefined = args.outputs
    ? JSON.parse(fs.readFileSync(args.outputs, "utf8"))
    : runningOutputs(args.dataDir);
  let stop = async () => undefined as void;
  const missing = outputs && args.doors.filter((d) => !doorsOf(outputs!).includes(d));
  if (outputs && missing?.length)
    throw new Error(`the running stack serves the ${doorsOf(outputs).join(", ")} door(s), not ${missing.join(", ")}`);
  if (!outputs) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-contract-"));
    const run = await recordStack({ stack: args.stack, overrides: args.overrides, doors: args.doors });
    const stack = await startLocalStack({ run, stack: args.stack, dataDir, port: 0, log: () => undefined });
    outputs = stack.outputs;
    stop = async () => {
      await stack.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
    process.stdout.write(
      `(no local stack was running: started the ${doorsOf(outputs).join(", ")} door(s) at ${outputs.url} for this ` +
        `run)\n`,
    );
  }
  try {
    // Every door of the stack (or those --door names), one section and one summary each.
    const served = outputs;
    const doors = (args.doors.length ? args.doors : doorsOf(served)).map((door) => atDoor(served, door));
    const write = (text: string) => void process.stdout.write(text);
    const failed = await printEveryDoor(
      doors,
      write,
      (at) => `Contract suite against the ${at.authMode} door at ${at.url}`,
      (at) => printChecks(new ContractContext(at), write, undefined, { verbose: args.verbose }),
    );
    return failed ? 1 : 0;
  } finally {
    await stop();
  }
}

if (require.main === module) runCli(main);
