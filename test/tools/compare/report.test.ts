import * as assert from "assert";
import * as fs from "fs";
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
import { OFFLINE_STACK, runStack } from "../../../offline/runStack";

describe("npm run compare", function () {
  this.timeout(180_000);
  let built: Awaited<ReturnType<typeof buildComparison>>;
  before(async () => {
    built = await buildComparison(parseCompareArgs([]));
  });

  it("docs/comparison.md and its charts are current (run `npm run compare` to regenerate)", () => {
    assert.ok(
      built.markdown === fs.readFileSync(REPORT_FILE, "utf8"),
      "docs/comparison.md is stale: run npm run compare",
    );
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
        ["--mode", "--scenario", "--write", "--no-write"].every((f) => err.text.includes(`  ${f} `)),
    );
  });
});
