import { procStat } from "../lock";

/**
 * How long `npm start` serves: until Ctrl-C (SIGINT), SIGTERM or SIGHUP (its terminal closed), or until the
 * process that started it is gone. Under `npm start`, npm runs the command through `sh -c`, and killing npm
 * (`kill <pid of npm start &>`, SIGTERM or SIGKILL) ends npm, and sometimes the shell, but not this process:
 * it would keep its ports. So it also watches its parent and, under npm (`npm_lifecycle_event` set), its
 * parent's parent: when either link changes (a process whose parent died is handed to another, pid 1 or a
 * subreaper), it stops as it does on SIGTERM. Node documents that `process.ppid` is read each time
 * (https://nodejs.org/api/process.html#processppid); the grandparent link is read from /proc (Linux; elsewhere
 * only the parent is watched).
 */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** One parent link to watch: `child`'s parent was `parent` when watching began. */
interface Link {
  child: number;
  parent: number;
}

const parentOf = (pid: number) => (pid === process.pid ? process.ppid : procStat(pid)?.ppid);

/** The links whose change means the one who started this process is gone. */
export function watchedLinks(env: NodeJS.ProcessEnv = process.env): Link[] {
  const links: Link[] = [{ child: process.pid, parent: process.ppid }];
  const grandparent = env.npm_lifecycle_event ? parentOf(process.ppid) : undefined;
  if (grandparent !== undefined && grandparent > 1) links.push({ child: process.ppid, parent: grandparent });
  return links.filter((l) => l.parent > 1);
}

/** Resolves with why to stop: a signal's name, or the parent that ended. `dispose` stops watching. */
export function untilStopped(opts: { pollMs?: number; env?: NodeJS.ProcessEnv } = {}): {
  stopped: Promise<string>;
  dispose(): void;
} {
  const links = watchedLinks(opts.env);
  let dispose = () => undefined as void;
  const stopped = new Promise<string>((resolve) => {
    const handlers = STOP_SIGNALS.map((signal) => [signal, () => resolve(signal)] as const);
    for (const [signal, handler] of handlers) process.once(signal, handler);
    const poll = setInterval(() => {
      const broken = links.find((l) => parentOf(l.child) !== l.parent);
      if (broken) resolve(`the process that started it (pid ${broken.parent}) ended`);
    }, opts.pollMs ?? 500);
    poll.unref();
    dispose = () => {
      clearInterval(poll);
      for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    };
  });
  return { stopped: stopped.finally(() => dispose()), dispose: () => dispose() };
}
