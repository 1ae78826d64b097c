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
        `${holder.url ?? `port ${holder.port}`}, since ${holder.startedAt}); stop it with Ctrl-C first, or use ` +
        `another --data-dir`,
    );
    this.name = "AlreadyRunning";
  }
}

export interface LockInfo {
  pid: number;
  port: number;
  url?: string;
  startedAt: string;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Takes `<dataDir>/lock.json` for this process, or throws AlreadyRunning naming the process that
 * holds it (a lock left by a process that died is taken over). Returns the release.
 */
export function acquireLock(dataDir: string, port: number): () => Promise<void> {
  const file = path.join(dataDir, "lock.json");
  const mine: LockInfo = { pid: process.pid, port, startedAt: new Date().toISOString() };
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
      if (holder && alive(holder.pid)) throw new AlreadyRunning(holder, dataDir);
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

/** Records the URL the holder serves, for the message a second start prints. */
export function noteLockUrl(dataDir: string, url: string): void {
  const file = path.join(dataDir, "lock.json");
  const current = readLock(file);
  if (current?.pid === process.pid) fs.writeFileSync(file, JSON.stringify({ ...current, url }));
}
