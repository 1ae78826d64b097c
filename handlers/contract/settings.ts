/**
 * The contract between the infrastructure and the handler, as environment variables.
 *
 * Each group of settings is declared once, as a codec: the Pulumi program encodes it into the
 * function's environment (components/), the handler decodes and validates it (handlers/env.ts).
 * So a variable's name, its format and whether it is required live in exactly one place.
 * Import-free, so both the program and the Lambda bundle can use it.
 */

/**
 * A setting the function cannot work without is missing or malformed in its environment (the
 * stack's own config errors are components/configReader.ts's ConfigError: a distinct name for a
 * distinct moment, deploy time against run time).
 */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvironmentError";
  }
}

type Field =
  | { env: string; kind: "text" }
  | { env: string; kind: "optional" }
  | { env: string; kind: "list"; nonEmpty: boolean }
  | { env: string; kind: "flag" }
  | { env: string; kind: "number"; fallback: number }
  | { env: string; kind: "whole"; fallback: number };

/** A required string. */
export const text = (env: string) => ({ env, kind: "text" as const });
/** A string that may be absent (undefined). */
export const optional = (env: string) => ({ env, kind: "optional" as const });
/** A comma-separated list; `nonEmpty` makes an empty list an error. */
export const list = <N extends boolean = false>(env: string, opts: { nonEmpty?: N } = {}) => ({
  env,
  kind: "list" as const,
  nonEmpty: (opts.nonEmpty ?? false) as N,
});
/** "true" or "false"; absent is false. */
export const flag = (env: string) => ({ env, kind: "flag" as const });
/** A positive whole number, with a default. */
export const positive = (env: string, fallback: number) => ({ env, kind: "number" as const, fallback });
/** A whole number, zero allowed, with a default. */
export const whole = (env: string, fallback: number) => ({ env, kind: "whole" as const, fallback });

type ValueOf<F> = F extends { kind: "text" }
  ? string
  : F extends { kind: "optional" }
    ? string | undefined
    : F extends { kind: "list" }
      ? string[]
      : F extends { kind: "flag" }
        ? boolean
        : F extends { kind: "number" | "whole" }
          ? number
          : never;

/** The settings object of a field map: optional fields may be left out. */
type Values<F> = { [K in keyof F as F[K] extends { kind: "optional" } ? never : K]: ValueOf<F[K]> } & {
  [K in keyof F as F[K] extends { kind: "optional" } ? K : never]?: string;
};
type Simplify<T> = { [K in keyof T]: T[K] };

export type SettingsOf<C> = C extends SettingsCodec<infer S> ? S : never;

export interface SettingsCodec<S> {
  /** The variables, by setting name (for docs and tests). */
  readonly fields: Readonly<Record<string, Field>>;
  /** The environment variables for these settings (what the program writes). */
  encode(settings: S): Record<string, string>;
  /** The settings from the environment; a missing or malformed variable is a EnvironmentError naming it. */
  decode(env: Record<string, string | undefined>): S;
}

const splitList = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Declares a group of settings: field name -> environment variable and format. */
export function settings<F extends Record<string, Field>>(fields: F): SettingsCodec<Simplify<Values<F>>> {
  type S = Simplify<Values<F>>;
  return {
    fields,
    encode(values: S): Record<string, string> {
      const out: Record<string, string> = {};
      for (const [name, field] of Object.entries(fields)) {
        const value = (values as Record<string, unknown>)[name];
        switch (field.kind) {
          case "text":
          case "optional":
            if (value !== undefined && value !== "") out[field.env] = String(value);
            break;
          case "list":
            out[field.env] = (value as string[]).join(",");
            break;
          case "flag":
            out[field.env] = value ? "true" : "false";
            break;
          case "number":
          case "whole":
            out[field.env] = String(value);
            break;
          default: {
            const unreachable: never = field;
            throw new Error(`unknown setting kind ${JSON.stringify(unreachable)}`);
          }
        }
      }
      return out;
    },
    decode(env): S {
      const out: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(fields)) {
        const raw = env[field.env];
        switch (field.kind) {
          case "text":
            if (!raw) throw new EnvironmentError(`environment variable ${field.env} is not set`);
            out[name] = raw;
            break;
          case "optional":
            out[name] = raw || undefined;
            break;
          case "list":
            out[name] = splitList(raw);
            if (field.nonEmpty && (out[name] as string[]).length === 0)
              throw new EnvironmentError(`${field.env} is not set`);
            break;
          case "flag":
            if (raw !== undefined && raw !== "" && raw !== "true" && raw !== "false")
              throw new EnvironmentError(`${field.env} must be true or false`);
            out[name] = raw === "true";
            break;
          case "number": {
            const n = raw === undefined || raw === "" ? field.fallback : Number(raw);
            if (!Number.isInteger(n) || n <= 0) throw new EnvironmentError(`${field.env} must be a positive integer`);
            out[name] = n;
            break;
          }
          case "whole": {
            const n = raw === undefined || raw === "" ? field.fallback : Number(raw);
            if (!/^[0-9]*$/.test(raw ?? "") || !Number.isSafeInteger(n) || n < 0)
              throw new EnvironmentError(`${field.env} must be a whole number (0 or more)`);
            out[name] = n;
            break;
          }
          default: {
            const unreachable: never = field;
            throw new Error(`unknown setting kind ${JSON.stringify(unreachable)}`);
          }
        }
      }
      return out as S;
    },
  };
}

/**
 * The same settings under prefixed variable names (`DOOR_HTTP_JWT_` + `GROUPS_CLAIM`): how several
 * doors' settings share one environment (handlers/contract/doors/index.ts).
 */
export function prefixed<S>(codec: SettingsCodec<S>, prefix: string): SettingsCodec<S> {
  if (prefix === "") return codec;
  const fields = Object.fromEntries(Object.entries(codec.fields).map(([k, f]) => [k, { ...f, env: prefix + f.env }]));
  return settings(fields) as unknown as SettingsCodec<S>;
}
