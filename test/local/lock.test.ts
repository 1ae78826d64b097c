import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn, spawnSync } from "child_process";
import { AlreadyRunning, acquireLock, procStat } from "../../local/lock";

/**
 * The data folder's lock (local/lock.ts): one local stack per folder, and a lock whose holder is gone is taken
 * over.
 */
describe("local mode's lock", () => {
  let dataDir: string;
  beforeEach(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-lock-"))));
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const lockFile = () => path.join(dataDir, "lock.json");
  const writeLock = (lock: Record<string, unknown>) =>
    fs.writeFileSync(lockFile(), JSON.stringify({ port: 3000, startedAt: "2026-12-01T08:00:00.000Z", ...lock }));

  it(
    "given a lock held by a running process, when another " + "takes it, then the message names the pid to kill",
    async () => {
      const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
      try {
        await new Promise((r) => holder.once("spawn", r));
        writeLock({ pid: holder.pid, processStart: procStat(holder.pid!)?.start });
        assert.throws(
          () => acquireLock(dataDir, 3000),
          (err: unknown) =>
            err instanceof AlreadyRunning &&
            err.message.includes(`pid ${holder.pid}`) &&
            err.message.includes(`kill ${holder.pid}`),
        );
      } finally {
        holder.kill("SIGKILL");
      }
    },
  );

  it("given a lock left by a process that died, when a stack starts, then it takes the lock over", async () => {
    const dead = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    writeLock({ pid: Number(dead.stdout.trim()) });
    const release = acquireLock(dataDir, 3000);
    assert.equal(JSON.parse(fs.readFileSync(lockFile(), "utf8")).pid, process.pid);
    await release();
    assert.ok(!fs.existsSync(lockFile()), "released");
  });

  it(
    "given a lock whose pid another process now has (a later start time, as after a reboot), when a stack " +
      "starts, then it takes the lock over",
    async function () {
      // the parent of this process is alive, but it is not the process that wrote this lock
      const parent = procStat(process.ppid);
      if (!parent) this.skip(); // no /proc: only a dead pid is known to be stale
      writeLock({ pid: process.ppid, processStart: String(Number(parent!.start) + 1) });
      const release = acquireLock(dataDir, 3000);
      assert.equal(JSON.parse(fs.readFileSync(lockFile(), "utf8")).pid, process.pid);
      await release();
    },
  );
});
