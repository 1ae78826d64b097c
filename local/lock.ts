import * as fs from "fs";
import * as path from "path";

/** Another local stack already uses this data folder. */
export class AlreadyRunning extends Error {
  constructor(
    public readonly holder: LockInfo,
    dataDir: string,
  ) {
    super(
      `a local stack is already running from ${dataDir} (pid ${holder.pid}, ` +
        `${holder.url ?? `port ${holder.port}`}, since ${holder.startedAt}): stop it with Ctrl-C in its terminal or ` +
        `kill ${holder.pid}, or use another --data-dir`,
    );
    this.name = "AlreadyRunning";
  }
}

export interface LockInfo {
  pid: number;
  port: number;
  url?: string;
  startedAt: string;
  /**
   * When the holder process started, as the kernel counts it (`/proc/<pid>/stat`'s starttime, Linux): a
   * process that later got the same pid is not the holder. Absent where there is no /proc.
   */
  processStart?: string;
}

/**
 * A process's start time and state from `/proc/<pid>/stat` ("pid (comm) state ppid … starttime", field 22, see
 * proc(5)); undefined without /proc or for a pid that is gone.
 */
export function procStat(pid: number): { state: string; ppid: number; start: string } | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses: the fields after it start after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0], ppid: Number(fields[1]), start: fields[19] };
}

/** Whether the process that wrote `lock` still runs: its pid alive, not a zombie, and not a later process's. */
export function holderAlive(lock: Pick<LockInfo, "pid" | "processStart">): boolean {
  try {
    process.kill(lock.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const stat = procStat(lock.pid);
  if (!stat) return true;
  return stat.state !== "Z" && (lock.processStart === undefined || lock.processStart === stat.start);
}

/**
 * Takes `<dataDir>/lock.json` for this process, or throws AlreadyRunning naming the process that
 * holds it (a lock left by a process that died, or whose pid another process now has, is taken over).
 * Returns the release.
 */
export function acquireLock(dataDir: string, port: number): () => Promise<void> {
  const file = path.join(dataDir, "lock.json");
  const processStart = procStat(process.pid)?.start;
  const mine: LockInfo = {
    pid: process.pid,
    port,
    startedAt: new Date().toISOString(),
    ...(processStart ? { processStart } : {}),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: "wx" });
      return async () => {
        const current = readLock(file);
        if (current?.pid === mine.pid && current.startedAt === mine.startedAt) fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = readLock(file);
      if (holder && holderAlive(holder)) throw new AlreadyRunning(holder, dataDir);
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take ${file}`);
}

export function readLock(file: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** The lock of the local stack running from `dataDir`, if one runs there. */
export function runningLock(dataDir: string): LockInfo | undefined {
  const lock = readLock(path.join(dataDir, "lock.json"));
  return lock && holderAlive(lock) ? lock : undefined;
}

/** Records the URL the holder serves, for the message a second start prints. */
export function noteLockUrl(dataDir: string, url: string): void {
  const file = path.join(dataDir, "lock.json");
  const current = readLock(file);
  if (current?.pid === process.pid) fs.writeFileSync(file, JSON.stringify({ ...current, url }));
}
