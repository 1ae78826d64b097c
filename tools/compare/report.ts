import { AuthMode } from "../../components/config";
import { doorModule } from "../../components/doors/registry";
import { doorReport } from "../../components/doors/reportRegistry";
import { CostBreakdown, PRICES, cloudWatchCost, cognitoMauCost, costTable, describePlan, monthlyCost } from "./cost";
import { StackMeters, metersOf } from "./meters";
import { COGNITO_PLANS } from "../../awsRules/userPool";
import { Scenario } from "./scenarios";
import { CostPoint } from "./chart";
import { CAPABILITIES, Matrix } from "./matrix";
import { DoorRuns, besideResources, countByType, total, urnsUnder } from "./runs";
import { Migration, migrationAssumptions, migrationCost } from "./migration";
import { federationCostSection } from "./federation";
import { CHANGES, Change, ResourceChange, diffRuns } from "../planDiff";
import { StackRun, resourcesUnder } from "../../offline/runStack";
import { RevocationRecord, documentedWindows, revocationSection, tokenDoors } from "./revocation";

function groupBy<T, K extends string>(items: readonly T[], key: (t: T) => K): Record<K, T[]> {
  const out = {} as Record<K, T[]>;
  for (const item of items) (out[key(item)] ??= []).push(item);
  return out;
}

const money = (usd: number) =>
  usd === 0
    ? "$0"
    : usd < 0.01
      ? "<$0.01"
      : `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const row = (cells: (string | number)[]) =>
  `| ${cells.map((c) => String(c).replace(/\|/g, "\\|").replace(/\n/g, " ")).join(" | ")} |`;
const table = (head: string[], rows: (string | number)[][]) =>
  [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");

export interface ReportInput {
  modes: AuthMode[];
  runs: DoorRuns;
  matrix: Matrix;
  scenarios: Scenario[];
  /** File names of the charts next to the report (total, door only); omitted in the terminal. */
  chartFiles?: { total: string; door: string };
  /** The two-door migrations to price (none: no migration section). */
  migrations: Migration[];
  /** The measured revocation windows (tools/compare/revocation-windows.json), and the per-container cache's default. */
  revocation: { record?: RevocationRecord; cacheSeconds: number };
}

/** Requests per MAU along the chart's x axis (so 10M requests come with 100k MAU). */
export const CHART_REQUESTS_PER_MAU = 100;

/**
 * What the report prices for a stack of these doors (one door, or two beside each other): their
 * minimal stacks, with the alarms of their `alarms` variant (`alarmEmail`) and the machine client
 * of their `machines` variant where they have one, since a production stack has alarms and the
 * scenarios have machine token requests. Several doors: what their runs record beside each other
 * (besideResources), shared resources once.
 */
export function stackMeters(runs: DoorRuns, modes: readonly AuthMode[]): StackMeters {
  const of = (variant?: string): StackMeters =>
    metersOf({
      resources: besideResources(modes.map((m) => (variant && runs.variant[`${m}:${variant}`]) || runs.base[m])),
      outputs: {},
    });
  const has = (variant: string) => modes.some((m) => runs.variant[`${m}:${variant}`]);
  const base = of();
  const alarms = has("alarms") ? of("alarms") : undefined;
  return {
    ...base,
    ...(alarms ? { alarmMetrics: alarms.alarmMetrics, filterMetrics: alarms.filterMetrics } : {}),
    ...(has("machines") ? { machineClients: of("machines").machineClients } : {}),
  };
}

/** What the report prices for one door (stackMeters of that door alone). */
export const doorMeters = (runs: DoorRuns, mode: AuthMode): StackMeters => stackMeters(runs, [mode]);

/**
 * The charts' points: each door from 10k to 1B requests a month, one MAU per 100 requests.
 * `part` "total" is the whole bill; "door" only what the door itself costs (gateway or ALB, IPv4).
 */
export function chartPoints(
  modes: AuthMode[],
  like: Scenario,
  part: "total" | "door" = "total",
  meters: Partial<Record<AuthMode, StackMeters>> = {},
): CostPoint[] {
  const points: CostPoint[] = [];
  for (let exp = 4; exp <= 9; exp += 0.5) {
    const requestsPerMonth = Math.round(10 ** exp);
    for (const door of modes) {
      const s: Scenario = {
        ...like,
        name: `${requestsPerMonth}`,
        requestsPerMonth,
        mau: Math.round(requestsPerMonth / CHART_REQUESTS_PER_MAU),
      };
      const c = monthlyCost(door, s, meters[door]);
      points.push({
        door,
        requestsPerMonth,
        usdPerMonth: Number((part === "total" ? c.total : c.gateway + c.other).toFixed(4)),
      });
    }
  }
  return points;
}

/** The whole report as markdown. Deterministic: the same program and prices give the same text. */
export function renderReport(input: ReportInput): string {
  const { modes, runs, matrix, scenarios } = input;
  const counts = Object.fromEntries(modes.map((m) => [m, countByType(runs.base[m])])) as Record<
    AuthMode,
    Record<string, number>
  >;
  const meters = Object.fromEntries(modes.map((m) => [m, doorMeters(runs, m)])) as Record<AuthMode, StackMeters>;
  const all = costTable(scenarios, modes, meters);
  const out: string[] = [];

  out.push(
    `# The ${modes.length === 1 ? "front door" : `${modes.length} front doors`}, side by side`,
    "",
    "Generated by `npm run compare` from the real program (`index.ts`) run under Pulumi mocks once per door,",
    "with each door's minimal config and one CORS origin. Do not edit by hand: `npm test` fails when this file " +
      "is stale.",
    "",
    table(
      ["authMode", "front door", "client presents", "resources"],
      modes.map((m) => [`\`${m}\``, doorReport(m).facts.title, doorReport(m).facts.clientPresents, total(counts[m])]),
    ),
    "",
  );

  out.push(
    "## Infrastructure",
    "",
    "Resources `pulumi up` would create, by type, from the mocked runs (components not counted).",
    "",
  );
  const types = [...new Set(modes.flatMap((m) => Object.keys(counts[m])))].sort();
  out.push(
    table(
      ["type", ...modes.map((m) => `\`${m}\``)],
      [
        ...types.map((t) => [`\`${t}\``, ...modes.map((m) => counts[m][t] ?? "")]),
        ["**total**", ...modes.map((m) => `**${total(counts[m])}**`)],
      ],
    ),
    "",
  );
  for (const m of modes) {
    const remote = runs.base[m].resources.filter(
      (r) => !r.custom && !r.type.startsWith("notes-auth:") && r.type !== "pulumi:pulumi:Stack",
    );
    for (const r of remote) {
      out.push(
        `\`${m}\` also has the \`${r.type}\` component \`${r.name}\`: its provider creates the resources inside ` +
          `it (for the VPC: the VPC, public subnets, route tables and an internet gateway, no NAT gateway), which ` +
          `mocks cannot see, so they are not counted above.`,
        "",
      );
    }
  }
  out.push(...productionFeatures(input), "");
  out.push(...switching(input), "");

  out.push("## Who checks what", "");
  out.push(
    table(
      ["authMode", "how the client gets it", "verified by", "backend receives", "principal id"],
      modes.map((m) => [
        `\`${m}\``,
        doorReport(m).facts.howToGetIt,
        doorReport(m).facts.verifiedBy,
        doorReport(m).facts.backendReceives,
        doorReport(m).facts.principalId,
      ]),
    ),
    "",
  );

  out.push(
    "## Capability matrix",
    "",
    "Each cell names the recorded resource that backs it (`type name`), `handler` for the handler's code, `AWS " +
      "behaviour` for a documented AWS fact, or says *not built*.",
    "",
  );
  out.push(
    table(
      ["", ...modes.map((m) => `\`${m}\``)],
      CAPABILITIES.map((c) => [
        `**${c}**`,
        ...modes.map((m) => `${matrix[c][m].text} <sub>(${matrix[c][m].evidence})</sub>`),
      ]),
    ),
    "",
  );

  out.push(
    ...revocationSection(
      input.revocation.record,
      tokenDoors(runs, modes),
      documentedWindows(runs, input.revocation.cacheSeconds, modes),
    ),
    "",
  );

  out.push("## Monthly cost (us-east-1, USD)", "");
  for (const s of scenarios) {
    out.push(
      `### ${s.name}`,
      "",
      `${s.mau.toLocaleString("en-US")} MAU, ${s.requestsPerMonth.toLocaleString("en-US")} requests/month, ` +
        `${s.m2mTokenRequestsPerMonth.toLocaleString("en-US")} M2M token requests, ${s.avgResponseBytes} B ` +
        `responses, ${s.lambdaMs} ms at ${s.lambdaMemoryMb} MB (arm64), ${Math.round(s.readShare * 100)}% reads.`,
      "",
    );
    out.push(
      table(
        [
          "authMode",
          "gateway / ALB",
          "Cognito",
          "Lambda",
          "DynamoDB",
          "CloudWatch",
          "data transfer",
          "other",
          "**total**",
        ],
        modes.map((m) => {
          const c = all[s.name][m];
          return [
            `\`${m}\``,
            money(c.gateway),
            money(c.cognito),
            money(c.lambda),
            money(c.dynamodb),
            money(c.cloudwatch),
            money(c.dataTransfer),
            money(c.other),
            `**${money(c.total)}**`,
          ];
        }),
      ),
      "",
    );
  }
  out.push(...cloudWatchLines(modes, meters, scenarios), "");
  out.push(...cognitoPlans(input), "");
  out.push(...federationCostSection(), "");
  if (input.chartFiles) {
    out.push(
      `The whole monthly bill against requests per month (one MAU per ${CHART_REQUESTS_PER_MAU} requests), one ` +
        `line per door:`,
      "",
      `![Monthly cost against requests per month, one line per door](${input.chartFiles.total})`,
      "",
    );
    const sameGateway = Object.values(groupBy(modes, (m) => doorReport(m).pricing.gateway)).filter((g) => g.length > 1);
    const overlap = sameGateway
      .map(
        (g) =>
          `${g.map((m) => `\`${m}\``).join(", ")} pay the same gateway price, so their lines lie on top of each other`,
      )
      .join("; ");
    out.push(
      `What the door alone costs (API Gateway or the ALB and its addresses): the part that differs between ` +
        `doors.${overlap ? ` ${overlap}:` : ""}`,
      "",
      `![Door-only monthly cost against requests per month](${input.chartFiles.door})`,
      "",
    );
  }
  const notes = [...new Set(modes.flatMap((m) => scenarios.flatMap((s) => all[s.name][m].notes)))];
  out.push(
    "Assumptions:",
    "",
    ...notes.map((n) => `- ${n}`),
    "",
    "Prices (source page, date read):",
    "",
    ...priceSources().map((p) => `- ${p}`),
    "",
  );

  out.push(...migrations(input, meters), "");

  out.push("## Request paths", "");
  for (const m of modes) out.push(`### \`${m}\``, "", "```mermaid", doorReport(m).diagram, "```", "");

  out.push("## Which door when", "", ...recommendations(modes, scenarios, all), "");
  return out.join("\n");
}

/**
 * The report's variants that turn on a production feature (components/doors/restReport.ts), as the table names them.
 */
const FEATURE_VARIANTS: Record<string, string> = {
  domain: "custom domain (`domainName`, `hostedZoneId`)",
  mtls: "mutual TLS (`mtlsTruststoreUri`)",
  alarms: "alarms (`alarmEmail`)",
};

/** What each production feature adds to a door's minimal stack: the resources by type, from the variant runs. */
function productionFeatures(input: ReportInput): string[] {
  const { modes, runs } = input;
  const added = (m: AuthMode, variant: string): string => {
    const run = runs.variant[`${m}:${variant}`];
    if (!run) return "n/a";
    const base = countByType(runs.base[m]);
    const diff = Object.entries(countByType(run))
      .map(([t, n]) => [t, n - (base[t] ?? 0)] as const)
      .filter(([, n]) => n > 0);
    return diff.length === 0
      ? "nothing (already there)"
      : diff.map(([t, n]) => `${n} ${t.split(":")[1]?.split("/")[0] ?? t} ${t.split(":").pop()}`).join(", ");
  };
  return [
    "### What the production features add",
    "",
    "Resources each feature adds to a door's minimal stack (from the report's variant runs; `n/a`: the feature " +
      "does not apply to the door).",
    "",
    table(
      ["feature", ...modes.map((m) => `\`${m}\``)],
      Object.entries(FEATURE_VARIANTS).map(([v, label]) => [label, ...modes.map((m) => added(m, v))]),
    ),
  ];
}

const EVERY_PAIR = "Every pair of doors for the pool's users; ";

/** The price of each migration's period with both doors, in every scenario, against each door alone. */
function migrations(input: ReportInput, meters: Record<AuthMode, StackMeters>): string[] {
  const { runs, scenarios } = input;
  if (input.migrations.length === 0) return [];
  const days = [...new Set(input.migrations.map((m) => m.days))];
  const out = [
    "## A migration: two doors at once",
    "",
    `Moving clients from one door to another without an outage runs both doors over the one backend and user ` +
      `pool (\`doors: [old, new]\`) until the old door has no traffic. What ${days.join(", ")} days of that cost ` +
      `(us-east-1, USD), against the same days on either door alone; the last column is what running both adds ` +
      `to a one-step switch halfway through. ${input.migrations.length > 1 ? EVERY_PAIR : ""}` +
      "`npm run compare -- --migrate old,new --days n` prices one.",
    "",
  ];
  for (const s of scenarios) {
    out.push(
      `### ${s.name}: ${days.join(", ")} days`,
      "",
      table(
        ["migration", "old door alone", "new door alone", "both doors", "the overlap adds"],
        input.migrations.map((m) => {
          const c = migrationCost(m, s, {
            from: meters[m.from],
            to: meters[m.to],
            both: stackMeters(runs, [m.from, m.to]),
          });
          return [
            `\`${m.from}\` → \`${m.to}\``,
            money(c.alone.from.total),
            money(c.alone.to.total),
            `**${money(c.both.total)}**`,
            money(c.overlap),
          ];
        }),
      ),
      "",
    );
  }
  out.push("Assumptions (besides the monthly ones above):", "", ...migrationAssumptions().map((a) => `- ${a}`));
  return out;
}

/** The CloudWatch and machine-client lines of each door: what its stack records, priced a month. */
function cloudWatchLines(modes: AuthMode[], meters: Record<AuthMode, StackMeters>, scenarios: Scenario[]): string[] {
  const p = PRICES["us-east-1"];
  const s = scenarios[0];
  return [
    "### CloudWatch and machine clients",
    "",
    `What each door's stack records that is billed by the month (with alarms on, \`alarmEmail\`; with its ` +
      `machine client where it has one), and its log ingestion at ${s.name}. Detailed metrics are off by default ` +
      `(\`detailedMetrics\`); the column says what turning them on adds.`,
    "",
    table(
      [
        "authMode",
        "alarms (metrics evaluated)",
        "metric filters",
        "detailed metrics if on",
        "log bytes per request",
        `log ingestion (${s.name})`,
        "machine app clients",
      ],
      modes.map((m) => {
        const me = meters[m];
        const authorizer = doorReport(m).pricing.authorizer;
        const c = cloudWatchCost(
          me,
          s.requestsPerMonth,
          authorizer ? s.requestsPerMonth * (1 - authorizer.cacheHitRatio) : 0,
        );
        return [
          `\`${m}\``,
          `${me.alarmMetrics}: ${money(c.alarms)}`,
          `${me.filterMetrics}: ${money(c.filterMetrics)}`,
          `${me.detailedMetrics.metrics} metrics: +${money(c.detailedMetrics)}${me.detailedMetrics.on ? " (on)" : ""}`,
          `${me.logBytesPerRequest}${
            me.authorizerLogBytesPerCall ? ` (+${me.authorizerLogBytesPerCall} per ` + `authorizer call)` : ""
          }`,
          money(c.logIngestion),
          me.machineClients
            ? `${me.machineClients}: ${money(me.machineClients * p.cognito.m2mAppClientPerMonth)}`
            : "none",
        ];
      }),
    ),
  ];
}

/** The MAU bill on each Cognito feature plan, side by side, and the plan the program sets. */
function cognitoPlans(input: ReportInput): string[] {
  const { modes, runs, scenarios } = input;
  const tiers = [
    ...new Set(
      modes.flatMap((m) =>
        runs.base[m].resources
          .filter((r) => r.type === "aws:cognito/userPool:UserPool")
          .map((r) => String(r.inputs.userPoolTier)),
      ),
    ),
  ];
  if (tiers.length === 0) return [];
  const priced = [...new Set(scenarios.map((s) => s.cognitoPlan))];
  const p = PRICES["us-east-1"].cognito.plans;
  return [
    "### The Cognito plan",
    "",
    `The user pool is on the ${tiers.map((t) => `\`${t}\``).join(", ")} plan (\`cognitoPlan\`, the recorded ` +
      `\`userPoolTier\`); the tables above price ${priced.map((t) => `\`${t}\``).join(", ")}. What the signed-in ` +
      `users cost a month on each plan (the plan changes in place, any time; threat protection needs \`PLUS\`):`,
    "",
    table(
      ["MAU", ...COGNITO_PLANS.map((plan) => `\`${plan}\` (${describePlan(p[plan])})`)],
      scenarios.map((s) => [
        s.mau.toLocaleString("en-US"),
        ...COGNITO_PLANS.map((plan) =>
          plan === s.cognitoPlan ? `**${money(cognitoMauCost(s.mau, plan))}**` : money(cognitoMauCost(s.mau, plan)),
        ),
      ]),
    ),
  ];
}

/** One switch of doors: the run before and the run after (one door each today; a run of several doors slots in). */
export interface Transition {
  from: string;
  to: string;
  before: StackRun;
  after: StackRun;
  /** The component types of the doors on either side: their resources are the doors', every other the stack's. */
  doorTypes: string[];
}

/** Every switch from one of `modes` to another, on the doors' minimal runs. */
export function doorSwitches(modes: readonly AuthMode[], runs: DoorRuns): Transition[] {
  return modes.flatMap((from) =>
    modes
      .filter((to) => to !== from)
      .map((to) => ({
        from: `\`${from}\``,
        to: `\`${to}\``,
        before: runs.base[from],
        after: runs.base[to],
        doorTypes: [doorModule(from).componentType, doorModule(to).componentType],
      })),
  );
}

/** What `pulumi up` does on a switch (tools/planDiff.ts's diffRuns), split into the doors' changes and the rest's. */
export function switchChanges(t: Transition): { door: ResourceChange[]; stack: ResourceChange[] } {
  const doorUrns = new Set(
    t.doorTypes.flatMap((type) =>
      [...resourcesUnder(t.before, type), ...resourcesUnder(t.after, type)].map((r) => r.urn),
    ),
  );
  const changes = diffRuns(t.before.resources, t.after.resources);
  return {
    door: changes.filter((c) => doorUrns.has(c.urn)),
    stack: changes.filter((c) => !doorUrns.has(c.urn)),
  };
}

/**
 * Some of `all` in words: "every switch", or the doors switched from and to ("from `iam`; to `iam`"), and the
 * switches that fit neither one by one.
 */
function whichSwitches(some: readonly Transition[], all: readonly Transition[]): string {
  if (some.length === all.length) return "every switch";
  const key = (t: Transition) => `${t.from} → ${t.to}`;
  const has = new Set(some.map(key));
  const froms = [...new Set(some.map((t) => t.from))];
  const tos = [...new Set(some.map((t) => t.to))];
  const product = all.filter((t) => froms.includes(t.from) && tos.includes(t.to));
  if (product.length === some.length && product.every((t) => has.has(key(t)))) {
    if (all.filter((t) => tos.includes(t.to)).length === some.length) return `to ${tos.join(", ")}`;
    if (all.filter((t) => froms.includes(t.from)).length === some.length) return `from ${froms.join(", ")}`;
    return `from ${froms.join(", ")} to ${tos.join(", ")}`;
  }
  const covered = new Set<string>();
  const words: string[] = [];
  for (const side of ["from", "to"] as const) {
    for (const door of [...new Set(all.map((t) => t[side]))]) {
      const on = all.filter((t) => t[side] === door);
      if (on.every((t) => has.has(key(t)))) {
        words.push(`${side} ${door}`);
        on.forEach((t) => covered.add(key(t)));
      }
    }
  }
  return [...words, ...some.map(key).filter((k) => !covered.has(k))].join("; ");
}

const KEEPS_POOL = ", and the user pool keeps its URN and inputs";
const BACKEND_TYPE = "notes-auth:backend:NotesBackend";

function switching(input: ReportInput): string[] {
  const { modes, runs } = input;
  const backend = urnsUnder(runs.base[modes[0]], BACKEND_TYPE);
  const switches = doorSwitches(modes, runs);
  const split = switches.map((t) => ({ t, ...switchChanges(t) }));
  const backendUrns = new Set(backend);
  const touched = split.flatMap((x) => x.stack).filter((c) => backendUrns.has(c.urn) && c.change !== "update");
  const pools = split.flatMap((x) => x.stack).filter((c) => c.type === "aws:cognito/userPool:UserPool");
  const keepsPool =
    pools.length === 0 && runs.base[modes[0]].resources.some((r) => r.type === "aws:cognito/userPool:UserPool");
  const sameBackend = modes.every((m) => urnsUnder(runs.base[m], BACKEND_TYPE).join("\n") === backend.join("\n"));
  const lines = [
    "### What a door switch replaces",
    "",
    sameBackend && touched.length === 0
      ? `The backend is identical in every door: the same ${backend.length} resources with the same URNs, so a ` +
        `switch never replaces the table or the bucket${keepsPool ? KEEPS_POOL : ""}.`
      : "**A switch creates, replaces or deletes backend resources: a switch would replace data. This is a bug.**",
    "",
  ];
  if (switches.length === 0) return lines;
  const count = (cs: ResourceChange[], kind: Change) => cs.filter((c) => c.change === kind).length;
  const cell = (cs: ResourceChange[]) => CHANGES.map((k) => count(cs, k)).join(" / ");
  lines.push(
    `What \`pulumi up\` does to the doors' own resources going from the row's door to the column's, from the ` +
      `mocked runs (the code of \`npm run plan -- --diff\`): create / update / replace / delete.`,
    "",
    table(
      ["from \\ to", ...modes.map((m) => `\`${m}\``)],
      modes.map((from) => [
        `\`${from}\``,
        ...modes.map((to) => {
          const x = split.find((y) => y.t.from === `\`${from}\`` && y.t.to === `\`${to}\``);
          return x ? cell(x.door) : "";
        }),
      ]),
    ),
    "",
  );
  const rest = new Map<string, { c: ResourceChange; of: Transition[] }>();
  for (const x of split)
    for (const c of x.stack.filter((c) => !c.type.startsWith("notes-auth:"))) {
      const key = `${c.change} ${c.urn} ${(c.inputs ?? []).join(",")}`;
      const seen = rest.get(key) ?? { c, of: [] };
      seen.of.push(x.t);
      rest.set(key, seen);
    }
  lines.push(
    "Everything else a switch changes (the backend, the users, the stack's identities and logging), and on " +
      "which switches. The stack's own resources (the API keys, API Gateway's logging role) come and go with the " +
      "config that asks for them, and each door's minimal config sets only its own keys:",
    "",
    table(
      ["change", "resource", "inputs", "on"],
      [...rest.values()].map(({ c, of }) => [
        c.change,
        `\`${c.type.split(":").pop()} ${c.urn.split("::").pop()}\``,
        c.inputs?.length ? c.inputs.join(", ") : "",
        whichSwitches(of, switches),
      ]),
    ),
  );
  return lines;
}

/** Every `source` / `read` pair in the price data, once each. */
export function priceSources(): string[] {
  const found = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (typeof o.source === "string")
        found.add(`${o.source} (read ${o.read ?? "?"}${o.verified === false ? "; rate unverified" : ""})`);
      Object.values(o).forEach(walk);
    }
  };
  walk(PRICES);
  return [...found].sort();
}

function recommendations(
  modes: AuthMode[],
  scenarios: Scenario[],
  all: Record<string, Record<AuthMode, CostBreakdown>>,
): string[] {
  const lines: string[] = [];
  for (const s of scenarios) {
    const ranked = modes.slice().sort((a, b) => all[s.name][a].total - all[s.name][b].total);
    const user = ranked.filter((m) => doorReport(m).pricing.billsMau);
    if (ranked.length === 1) {
      lines.push(`- **${s.name}**: \`${ranked[0]}\` costs ${money(all[s.name][ranked[0]].total)} a month.`);
      continue;
    }
    const described = user
      .slice(0, 2)
      .map((m) => `\`${m}\` (${money(all[s.name][m].total)})`)
      .join(", then ");
    const dearest = ranked[ranked.length - 1];
    lines.push(
      `- **${s.name}**: ${user.length > 0 ? `cheapest for signed-in users is ${described}; ` : ""}the dearest ` +
        `is \`${dearest}\` (${money(all[s.name][dearest].total)}).`,
    );
  }
  const big = scenarios[scenarios.length - 1];
  const userDoor = modes.find((m) => doorReport(m).pricing.billsMau);
  if (userDoor && all[big.name][userDoor].total > 0) {
    const share = all[big.name][userDoor].cognito / all[big.name][userDoor].total;
    const free = PRICES["us-east-1"].cognito.plans[big.cognitoPlan].freeMau;
    lines.push(
      `- ${free ? `Above Cognito's free ${free.toLocaleString("en-US")} MAU` : "On Cognito's Plus plan"}, ` +
        `identity dominates the bill: at ${big.name}, Cognito is ${Math.round(share * 100)}% of the \`${userDoor}\` ` +
        `total, so the door's own price matters less than who your users are and how they sign in.`,
    );
  }
  for (const m of modes) lines.push(`- ${doorReport(m).facts.whenToChoose}`);
  return lines;
}
