/**
 * The revocation window per door (issue 24): how long a signed-out session still gets in, with and without
 * `revocation`. The token doors' windows are measured in local mode by the contract suite's revocation checks
 * (local/contract/checks/revocation.ts), which `npm run compare -- --measure-revocation` runs against each token door
 * started twice (with and without `revocation`) and writes to tools/compare/revocation-windows.json; `npm run compare`
 * renders the table from that file, beside the rows of AWS's documented behaviour for what local mode cannot show.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AUTH_MODES, AuthMode } from "../../components/config";
import { doorReport } from "../../components/doors/reportRegistry";
import type { ClientCredential } from "../../components/doors/door";
import type { StackRun } from "../../offline/runStack";
import { startLocalStack } from "../../local/localStack";
import { ContractContext, localContractOptions } from "../../local/contract/context";
import { runChecks } from "../../local/contract/runner";
import { appliesTo } from "../../local/contract/check";
import { REVOCATION_CHECK_IDS, RevocationMeasurement } from "../../local/contract/checks/revocation";
import { DoorRuns, runChecked } from "./runs";

export const REVOCATION_FILE = path.join(__dirname, "revocation-windows.json");

/** One door started in local mode, with or without revocation, and what its revocation checks found. */
export interface RevocationRun {
  door: AuthMode;
  /** The report variant whose config makes the door take tokens (api-key's `users`); none: its minimal config. */
  variant?: string;
  revocation: boolean;
  /** The config the run set over the door's minimal one. */
  config: Record<string, unknown>;
  checks: { id: string; outcome: "passed" | "failed" | "skipped"; detail?: string }[];
  measurements: { check: string; value: RevocationMeasurement }[];
}

/** tools/compare/revocation-windows.json: when and how the windows were measured, and each run. */
export interface RevocationRecord {
  date: string;
  node: string;
  machine: { cpus: number; platform: string };
  /** How long the checks watched a token the door still accepted (no revocation), in seconds. */
  watchSeconds: number;
  runs: RevocationRun[];
}

/** A token door of the comparison: a door whose clients present a token, at its minimal config or a variant's. */
export interface TokenDoor {
  door: AuthMode;
  variant?: string;
  extra: Record<string, unknown>;
}

const credentialOf = (run: StackRun | undefined): ClientCredential | undefined => run?.outputs?.client?.credential;

/**
 * The token doors among the runs: each door whose minimal stack's clients present a token, else its first variant
 * whose do (api-key with `apiKeyWithCognito`). Read from the recorded `client.credential`, never from door names.
 */
export function tokenDoors(runs: DoorRuns, modes: readonly AuthMode[] = AUTH_MODES): TokenDoor[] {
  return modes.flatMap((door): TokenDoor[] => {
    if (credentialOf(runs.base[door])?.kind === "user-token") return [{ door, extra: {} }];
    const variant = Object.entries(doorReport(door).variants).find(
      ([name]) => credentialOf(runs.variant[`${door}:${name}`])?.kind === "user-token",
    );
    return variant ? [{ door, variant: variant[0], extra: variant[1] }] : [];
  });
}

/**
 * Starts each token door in local mode with and without `revocation` (the real program's run under mocks, served as
 * `npm start` serves it), runs the contract's revocation checks against it, and records what they measured.
 */
export async function measureRevocation(
  doors: TokenDoor[],
  opts: { watchSeconds: number; log: (line: string) => void },
): Promise<RevocationRecord> {
  const runs: RevocationRun[] = [];
  for (const d of doors)
    for (const revocation of [true, false]) {
      const config = { ...d.extra, revocation };
      const label = `${d.door}${d.variant ? ` (${d.variant})` : ""}, revocation ${revocation ? "on" : "off"}`;
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-revocation-"));
      const stack = await startLocalStack({
        run: await runChecked(d.door, config),
        stack: "compare",
        dataDir,
        port: 0,
        log: () => undefined,
      });
      try {
        const ctx = new ContractContext(stack.outputs, {
          ...localContractOptions(stack.outputs),
          revocationWatchSeconds: opts.watchSeconds,
        });
        const checks: RevocationRun["checks"] = [];
        await runChecks(
          ctx,
          (check, outcome, detail) => {
            // A check about other doors is no finding about this one.
            if (!appliesTo(check, ctx.facts)) return;
            checks.push({ id: check.id, outcome, ...(detail ? { detail } : {}) });
            opts.log(`${label}: ${outcome} ${check.id}${detail ? ` (${detail})` : ""}`);
          },
          [...REVOCATION_CHECK_IDS],
        );
        runs.push({
          door: d.door,
          ...(d.variant ? { variant: d.variant } : {}),
          revocation,
          config,
          checks,
          measurements: ctx.measurements.map((m) => ({ check: m.check, value: m.value as RevocationMeasurement })),
        });
      } finally {
        await stack.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
  return {
    date: new Date().toISOString(),
    node: process.version,
    machine: { cpus: os.cpus().length, platform: `${os.platform()} ${os.arch()}` },
    watchSeconds: opts.watchSeconds,
    runs,
  };
}

/** The committed record, or undefined when none was measured yet. */
export function readRevocationRecord(file = REVOCATION_FILE): RevocationRecord | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as RevocationRecord) : undefined;
}

export function writeRevocationRecord(record: RevocationRecord, file = REVOCATION_FILE): void {
  fs.writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const millis = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : seconds(ms));

/** What one run measured, in words; a run whose checks did not pass says so instead. */
export function describeRun(run: RevocationRun | undefined): string {
  if (!run) return "not measured";
  const failed = run.checks.filter((c) => c.outcome === "failed");
  if (failed.length) return `**failed**: ${failed.map((c) => `${c.id} (${c.detail ?? ""})`).join("; ")}`;
  const words = run.measurements.map(({ value: m }) => {
    switch (m.outcome) {
      case "refused":
        return (
          `refused ${millis(m.refusedAfterMs)} after the sign-out answered ` +
          `(${m.acceptedCalls ? `${m.acceptedCalls} calls accepted before` : "at the first call"}; bound ` +
          `${seconds(m.boundMs)}); its refresh token ${m.refreshRefused ? "refused" : "not handed"}; ` +
          `${m.otherSessionAccepted ? "another sign-in of the user still served" : "another sign-in refused too"}`
        );
      case "refused-despite-cached-allow":
        return (
          `and while API Gateway still answered from the authorizer's cached Allow (${millis(m.sinceAllowCachedMs)} ` +
          `old, cached ${m.authorizerCacheSeconds} s), refused ${millis(m.refusedAfterMs)} after the sign-out ` +
          `answered: the function refuses what the cache allows`
        );
      case "accepted":
        return (
          `sign-out route 404; after the client's own RevokeToken, still accepted all the ${seconds(m.watchedMs)} ` +
          `watched (${m.acceptedCalls} calls); the token's exp was ${m.expInSeconds} s away`
        );
      default: {
        const unknown: never = m;
        throw new Error(`unknown measurement ${JSON.stringify(unknown)}`);
      }
    }
  });
  return words.length ? words.join("; ") : "nothing measured (every check skipped)";
}

/** A row of what local mode cannot show, from AWS's documented behaviour (or our design), with its source. */
export interface DocumentedWindow {
  /** The door the row is about (dropped from a report without it); none: every token door. */
  door?: AuthMode;
  what: string;
  without: string;
  with: string;
  source: string;
}

/** The first value of `key` anywhere in a resource's inputs (a listener's or a rule's authenticate action). */
function findInput(run: StackRun | undefined, types: string[], key: string): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk).find((x) => x !== undefined);
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      return key in o
        ? o[key]
        : Object.values(o)
            .map(walk)
            .find((x) => x !== undefined);
    }
    return undefined;
  };
  return (run?.resources ?? [])
    .filter((r) => types.includes(r.type))
    .map((r) => walk(r.inputs))
    .find((x) => x !== undefined);
}

/**
 * The rows local mode cannot measure, from AWS's documentation (each cites its page) and, for the other containers,
 * our design; the values our stacks set are read from the recorded runs.
 */
export function documentedWindows(
  runs: DoorRuns,
  cacheSeconds: number,
  modes: readonly AuthMode[] = AUTH_MODES,
): DocumentedWindow[] {
  const ttl = findInput(
    runs.base["lambda-authorizer"],
    ["aws:apigateway/authorizer:Authorizer"],
    "authorizerResultTtlInSeconds",
  );
  const session = findInput(
    runs.base["alb-oidc"],
    ["aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule"],
    "sessionTimeout",
  );
  const rows: DocumentedWindow[] = [
    {
      door: "iam",
      what: "`iam`: identity-pool credentials",
      without:
        "the AWS credentials the identity pool issued stay valid until they expire, up to 1 h; a sign-out or " +
        "disabled user stops new ones only",
      with:
        "the same for credentials already issued (SigV4 carries no sign-in session the handler could look up); " +
        "and the identity pool still trades the signed-out session's ID token for new ones until its `exp` (or, if " +
        "the refresh token was not handed at sign-out, tokens it refreshes until `refreshTokenValidity`): its " +
        "server-side check refuses only a global sign-out or a deleted user",
      source:
        "https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetCredentialsForIdentity.html, " +
        "https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_CognitoIdentityProvider.html, " +
        "https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdTokenForDeveloperIdentity.html " +
        "(STS credentials valid for a maximum of one hour)",
    },
    {
      door: "lambda-authorizer",
      what: "REST Lambda authorizer: API Gateway's cached answer",
      without:
        `an Allow is cached per token for \`authorizerResultTtlInSeconds\` (ours ${ttl ?? 300} s; default 300, ` +
        `at most 3600): the authorizer is not asked again in that time`,
      with: "the cached Allow still reaches the function, which refuses the revoked session (measured above)",
      source: "https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html (authorizerResultTtlInSeconds)",
    },
    {
      door: "alb-oidc",
      what: "`alb-oidc`: the load balancer's session cookie",
      without:
        `the session cookie is honoured until the session timeout (\`albSessionTimeout\`, ours ${session ?? "?"} ` +
        `s), unless the user signs out at the door's logout (the cookie expired, the browser sent to the IdP's logout)`,
      with: "the same: the load balancer keeps the session, not our function",
      source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html",
    },
    {
      door: "api-key",
      what: "`api-key`: an application's key",
      without: "disable or delete the key: API Gateway refuses it (403) from then on",
      with: "the same (a key is not a sign-in session)",
      source: "https://docs.aws.amazon.com/apigateway/latest/api/API_ApiKey.html (enabled)",
    },
    {
      what: "every token door: other containers of the function",
      without: "n/a",
      with:
        `a container that has checked the session within \`revocationCacheSeconds\` (${cacheSeconds} s) may trust ` +
        `its cached "not revoked" for the rest of it; the container that served the sign-out refuses at once`,
      source: "our design (handlers: one keyed read per request at most, cached per container)",
    },
  ];
  return rows.filter((w) => !w.door || modes.includes(w.door));
}

const row = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|").replace(/\n/g, " ")).join(" | ")} |`;

/** The report's section: the measured rows (one per token door), then the documented ones. */
export function revocationSection(
  record: RevocationRecord | undefined,
  doors: TokenDoor[],
  documented: DocumentedWindow[],
): string[] {
  const runOf = (d: TokenDoor, revocation: boolean) =>
    record?.runs.find((r) => r.door === d.door && r.variant === d.variant && r.revocation === revocation);
  const watched = record ? `${record.watchSeconds} s` : "?";
  return [
    "## Sign-out: the revocation window",
    "",
    "How long a signed-out session still gets in at each door, with and without `revocation` (`POST /me/sign-out`). " +
      "The token doors' rows are measured in local mode by the contract suite's revocation checks (sign in, sign " +
      "out, then call `/me` every 100 ms until refused; without revocation, watch for " +
      `${watched}), ` +
      `${record ? `on ${record.date.slice(0, 10)} (Node ${record.node}, ${record.machine.cpus} cores)` : "not yet"}: ` +
      "`npm run compare -- --measure-revocation` measures them again and writes " +
      "`tools/compare/revocation-windows.json`, which this table is rendered from. Local mode runs one container of " +
      "the function, so the sign-out and the calls after it meet the same cache; the last rows say what local mode " +
      "cannot show.",
    "",
    row(["door", "without `revocation`", "with `revocation`", "source"]),
    row(["---", "---", "---", "---"]),
    ...doors.map((d) =>
      row([
        `\`${d.door}\`${d.variant ? ` (${d.variant})` : ""}`,
        describeRun(runOf(d, false)),
        describeRun(runOf(d, true)),
        "measured (local mode)",
      ]),
    ),
    ...documented.map((w) => row([w.what, w.without, w.with, w.source])),
  ];
}
