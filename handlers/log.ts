/** One structured log line: a JSON object whose `level` says how bad it is. */
export type LogEntry = { level: "error" | "warn" | "info"; [field: string]: unknown };
export type Log = (entry: LogEntry) => void;

/**
 * Writes an entry with the console method of its level. Lambda's JSON log format takes the level
 * from the method (console.error is ERROR, console.warn WARN, console.info INFO; console.log is
 * INFO too), so an error written with console.log would be stored, filtered and alarmed on as INFO.
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html#nodejs-logging-advanced
 */
export const consoleLog: Log = (entry) => {
  const line = JSON.stringify(entry);
  switch (entry.level) {
    case "error":
      return console.error(line);
    case "warn":
      return console.warn(line);
    case "info":
      return console.info(line);
    default: {
      const unreachable: never = entry.level;
      return console.error(JSON.stringify({ ...entry, level: "error", badLevel: unreachable }));
    }
  }
};
