/**
 * `npm run contract [-- --door <authMode>] [--set key=value] [--outputs file]`: the contract suite
 * against a running door. It uses the running local stack's `.local/outputs.json` (or `--outputs`);
 * with none running, it starts the door itself on a free port and stops it at the end.
 * Prints one line per check and a summary.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalCommand, parseLocalArgs, runCli, runningOutputs } from "../cli/command";
import type { StackOutputs } from "../clients/doorClient";
import { startLocalStack } from "../localStack";
import { recordStack } from "../recorded";
import { ContractContext } from "./context";
import { printChecks } from "./runner";

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
  if (outputs && args.door && outputs.authMode !== args.door)
    throw new Error(`the running stack serves the ${outputs.authMode} door, not ${args.door}`);
  if (!outputs) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-contract-"));
    const run = await recordStack({ stack: args.stack, overrides: args.overrides, door: args.door });
    const stack = await startLocalStack({ run, stack: args.stack, dataDir, port: 0, log: () => undefined });
    outputs = stack.outputs;
    stop = async () => {
      await stack.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
    process.stdout.write(
      `(no local stack was running: started the ${outputs.authMode} door at ${outputs.url} for this run)\n`,
    );
  }
  try {
    process.stdout.write(`Contract suite against the ${outputs.authMode} door at ${outputs.url}\n`);
    const write = (text: string) => void process.stdout.write(text);
    return (await printChecks(new ContractContext(outputs), write, undefined, { verbose: args.verbose })) ? 1 : 0;
  } finally {
    await stop();
  }
}

if (require.main === module) runCli(main);
