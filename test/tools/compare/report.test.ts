import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AUTH_MODES } from "../../../components/config";
import {
  CHART_FILE,
  DOOR_CHART_FILE,
  REPORT_FILE,
  buildComparison,
  parseCompareArgs,
} from "../../../tools/compare/cli";
import { HelpRequested } from "../../../offline/cliArgs";
import { DEFAULT_SCENARIOS } from "../../../tools/compare/scenarios";
import { doorConfig } from "../../../components/doors/registry";
import { OFFLINE_STACK, resourcesUnder, runStack } from "../../../offline/runStack";
import { doorModule } from "../../../components/doors/registry";
import { DEFAULT_MIGRATION_DAYS } from "../../../tools/compare/migration";

/** The cells after the first of the markdown table row that starts with `first` (after the line `after`, if given). */
const cells = (markdown: string, first: string, after?: string) => {
  const lines = markdown.split("\n");
  const from = after === undefined ? 0 : lines.findIndex((l) => l.startsWith(`| ${after} |`));
  return lines
    .slice(from)
    .find((l) => l.startsWith(`| ${first} |`))
    ?.split("|")
    .slice(2, -1)
    .map((c) => c.trim());
};

describe("npm run compare", function () {
  this.timeout(180_000);
  let built: Awaited<ReturnType<typeof buildComparison>>;
  before(async () => {
    built = await buildComparison(parseCompareArgs([]));
  });

  it("docs/comparison.md and its charts are current (run `npm run compare` to regenerate)", () => {
    if (built.markdown !== fs.readFileSync(REPORT_FILE, "utf8")) {
      // what this run built, to diff against the committed page
      const fresh = path.join(os.tmpdir(), "comparison.fresh.md");
      fs.writeFileSync(fresh, built.markdown);
      assert.fail(`docs/comparison.md is stale: run npm run compare (this run's report: ${fresh})`);
    }
    assert.ok(built.svg === fs.readFileSync(CHART_FILE, "utf8"), "docs/cost-chart.svg is stale: run npm run compare");
    assert.ok(
      built.doorSvg === fs.readFileSync(DOOR_CHART_FILE, "utf8"),
      "docs/cost-chart-door.svg is stale: run npm run compare",
    );
  });

  it("reports the resource counts of the mocked runs", async () => {
    // given each door's own run, counted here independently of the report's code
    const totals = await Promise.all(
      AUTH_MODES.map(async (m) => {
        const run = await runStack({ stack: OFFLINE_STACK, config: doorConfig(m) });
        return run.resources.filter((r) => r.custom).length;
      }),
    );
    const row = built.markdown.split("\n").find((l) => l.startsWith("| **total** |"))!;
    assert.deepEqual(
      row
        .split("|")
        .slice(2, -1)
        .map((c) => Number(c.replace(/\*/g, "").trim())),
      totals,
    );
    for (const type of ["aws:apigateway/usagePlan:UsagePlan", "aws:lb/loadBalancer:LoadBalancer"]) {
      assert.ok(built.markdown.includes(`| \`${type}\` |`), type);
    }
  });

  it("covers every door, every scenario and every capability", () => {
    for (const m of AUTH_MODES) assert.ok(built.markdown.includes(`### \`${m}\``), `sequence diagram for ${m}`);
    for (const s of DEFAULT_SCENARIOS) assert.ok(built.markdown.includes(`### ${s.name}`), s.name);
    assert.ok(
      built.markdown.includes("The backend is identical in every door"),
      "the switch section proves the backend unchanged",
    );
    assert.equal((built.markdown.match(/```mermaid/g) ?? []).length, AUTH_MODES.length);
    assert.ok(built.svg!.startsWith("<svg") && built.svg!.includes("alb-oidc"), "the chart names the doors");
  });

  it("given a switch from cognito to http-jwt, then its cell counts the doors' resources made, dropped", async () => {
    // given the two doors' runs, counted here from the recorded components, not from the report's diff
    const [cognito, http] = await Promise.all(
      (["cognito", "http-jwt"] as const).map((m) => runStack({ stack: OFFLINE_STACK, config: doorConfig(m) })),
    );
    const under = (run: typeof cognito, m: "cognito" | "http-jwt") =>
      resourcesUnder(run, doorModule(m).componentType).length;
    const header = cells(built.markdown, "from \\ to")!;
    const row = cells(built.markdown, "`cognito`", "from \\ to")!;
    const cell = row[header.indexOf("`http-jwt`")];
    // nothing of a REST door is kept by an HTTP API door: all of one is deleted, all of the other created
    assert.equal(cell, `${under(http, "http-jwt")} / 0 / 0 / ${under(cognito, "cognito")}`);
    const back = cells(built.markdown, "`http-jwt`", "from \\ to")![header.indexOf("`cognito`")];
    assert.equal(back, `${under(cognito, "cognito")} / 0 / 0 / ${under(http, "http-jwt")}`);
    assert.match(built.markdown, /\| update \| `Function notes-api` \| environment \| every switch \|/);
  });

  it("given every door, then the matrix says what each needs to run beside another door, with its evidence", () => {
    const row = cells(built.markdown, "**Run beside another door**")!;
    assert.equal(row.length, AUTH_MODES.length);
    AUTH_MODES.forEach((m, i) => {
      if (m === "alb-oidc") assert.match(row[i], /cannot share a gateway door's domain.*\(Record domain-alias\)/, m);
      else assert.match(row[i], /API mapping at a path of its own.*\(DomainName domain\)/, m);
    });
  });

  it("given the default run, then every pair of user doors has a migration price in every scenario", () => {
    for (const s of DEFAULT_SCENARIOS) assert.ok(built.markdown.includes(`### ${s.name}: 14 days`), s.name);
    const rows = built.markdown.split("\n").filter((l) => /^\| `[a-z-]+` → `[a-z-]+` \|/.test(l));
    assert.equal(rows.length, 10 * DEFAULT_SCENARIOS.length);
    assert.ok(!rows.some((r) => r.includes("api-key")), "keys are not users to migrate");
  });

  it("given --migrate cognito,http-jwt --days 7, then only that pair and its two doors, printed only", async () => {
    const opts = parseCompareArgs(["--migrate", "cognito,http-jwt", "--days=7"]);
    assert.deepEqual(opts.modes, ["cognito", "http-jwt"]);
    assert.deepEqual(opts.migrations, [{ from: "cognito", to: "http-jwt", days: 7 }]);
    assert.equal(opts.write, false);
    const { markdown } = await buildComparison(opts);
    assert.ok(markdown.includes("### 1k MAU / 100k requests: 7 days"));
    const row = cells(markdown, "`cognito` → `http-jwt`")!;
    assert.equal(row.length, 4);
    assert.ok(Number(row[3].replace(/[$,]/g, "")) > 0, "running both adds something");
    assert.equal(parseCompareArgs([]).migrations[0].days, DEFAULT_MIGRATION_DAYS);
    assert.equal(parseCompareArgs(["--days", "7"]).write, false, "another period is printed only");
  });

  it("given a bad --migrate or --days, then it says what is allowed", () => {
    assert.throws(() => parseCompareArgs(["--migrate", "cognito"]), /--migrate "cognito" is not two different doors/);
    assert.throws(() => parseCompareArgs(["--migrate", "cognito,saml"]), /"saml" is not a door\): use two of iam/);
    assert.throws(() => parseCompareArgs(["--migrate", "iam,iam"]), /not two different doors/);
    assert.throws(() => parseCompareArgs(["--migrate", "iam,cognito", "--mode", "iam"]), /give one of them/);
    assert.throws(() => parseCompareArgs(["--days", "0"]), /--days "0" is not a whole number of days from 1 to 92/);
    assert.throws(() => parseCompareArgs(["--days", "1.5"]), /--days "1.5"/);
  });

  it("shows one door alone with --mode, and writes nothing then", async () => {
    const opts = parseCompareArgs(["--mode", "http-jwt"]);
    assert.deepEqual({ modes: opts.modes, write: opts.write }, { modes: ["http-jwt"], write: false });
    const one = await buildComparison(opts);
    assert.ok(one.markdown.includes("### `http-jwt`"));
    assert.ok(!one.markdown.includes("### `iam`"));
    assert.equal(one.svg, undefined);
  });

  it("rejects a bad flag with a clear error", () => {
    assert.throws(
      () => parseCompareArgs(["--mode", "saml"]),
      /--mode "saml" is not a door: use one of iam, cognito, http-jwt, api-key, alb-oidc/,
    );
    assert.throws(() => parseCompareArgs(["--scenario", "mau=x,requests=1"]), /mau: "x" is not a number/);
    assert.throws(() => parseCompareArgs(["--scenario"]), /--scenario needs a value/);
    assert.throws(() => parseCompareArgs(["--bogus"]), /unknown argument --bogus/);
  });

  it("given --mode=<door> or --mode <door>, then both pick that door; --help lists every flag", () => {
    assert.deepEqual(parseCompareArgs(["--mode=iam"]).modes, ["iam"]);
    assert.deepEqual(parseCompareArgs(["--mode", "iam"]).modes, ["iam"]);
    assert.equal(parseCompareArgs(["--write", "--no-write"]).write, false, "the last of --write and --no-write wins");
    assert.equal(parseCompareArgs(["--mode=iam", "--no-write", "--write"]).write, true);
    assert.throws(
      () => parseCompareArgs(["--help"]),
      (err) =>
        err instanceof HelpRequested &&
        /^Usage: npm run compare/.test(err.text) &&
        ["--mode", "--scenario", "--migrate", "--days", "--write", "--no-write"].every((f) =>
          err.text.includes(`  ${f} `),
        ),
    );
  });
});
