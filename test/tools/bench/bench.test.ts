import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFile } from "child_process";
import { promisify } from "util";
import { quantile, summarize } from "../../../tools/bench/stats";
import { FULL_RESULTS, QUICK_RESULTS, parseBenchArgs, revocationOnly } from "../../../tools/bench/index";
import { HelpRequested } from "../../../offline/cliArgs";
import { early } from "../../support/early";

const ROOT = path.join(__dirname, "..", "..", "..");

/** `npm run bench -- --quick` into a scratch file, as a child process (its own core, mostly). */
const quickRun = early("npm run bench -- --quick", async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-bench-")), "results.json");
  await promisify(execFile)("npm", ["run", "-s", "bench", "--", "--quick", "--out", out], {
    cwd: ROOT,
    env: { ...process.env, NOTES_AUTH_BENCH_CHILD: "1" },
  });
  return out;
});

describe("benchmark harness", function () {
  this.timeout(120_000);

  it(
    "given --quick without --out, writes under the git-ignored tools/bench/tmp/, never over the committed " +
      "full-run tools/bench/results.json",
    () => {
      assert.equal(parseBenchArgs(["--quick"]).out, QUICK_RESULTS);
      assert.notEqual(QUICK_RESULTS, FULL_RESULTS);
      assert.equal(path.relative(ROOT, QUICK_RESULTS), path.join("tools", "bench", "tmp", "quick-results.json"));
      assert.ok(fs.readFileSync(path.join(ROOT, ".gitignore"), "utf8").split("\n").includes("tools/bench/tmp/"));
      assert.equal(parseBenchArgs([]).out, FULL_RESULTS, "a full run still writes the committed figures");
      assert.equal(parseBenchArgs(["--quick", "--out", "x.json"]).out, path.resolve("x.json"));
      assert.equal(parseBenchArgs(["--out=x.json"]).out, path.resolve("x.json"));
    },
  );

  it("given --help, then it lists --quick and --out with where each run writes", () => {
    assert.throws(
      () => parseBenchArgs(["--help"]),
      (err) =>
        err instanceof HelpRequested &&
        /^Usage: npm run bench/.test(err.text) &&
        /  --quick  /.test(err.text) &&
        /  --out <file> .*bench\/results\.json.*bench\/tmp\/quick-results\.json/.test(err.text),
    );
  });

  it(
    "given --revocation-only and a figures file, then it adds what revocation costs per request, with its own " +
      "date, and keeps every other figure as it was",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-bench-"));
      const out = path.join(dir, "results.json");
      const before = JSON.parse(fs.readFileSync(FULL_RESULTS, "utf8"));
      fs.writeFileSync(out, JSON.stringify({ ...before, revocationMs: undefined }));
      const opts = parseBenchArgs(["--quick", "--revocation-only", "--out", out]);
      assert.ok(opts.revocationOnly);
      const write = process.stdout.write;
      process.stdout.write = () => true;
      await revocationOnly(opts.out, 30).finally(() => (process.stdout.write = write));
      const { revocationMs, ...rest } = JSON.parse(fs.readFileSync(out, "utf8"));
      const { revocationMs: _committed, ...others } = before;
      assert.deepEqual(rest, others, "the other figures are untouched");
      for (const k of ["off", "cacheHit", "cacheMiss"])
        assert.ok(revocationMs[k].n === 30 && revocationMs[k].p50 > 0, k);
      assert.ok(!Number.isNaN(Date.parse(revocationMs.measured.date)) && revocationMs.measured.requests === 30);
      assert.equal(parseBenchArgs(["--revocation-only"]).out, FULL_RESULTS, "by default into the committed figures");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  );

  it("computes medians and nearest-rank percentiles", () => {
    assert.deepEqual(summarize([5, 1, 3, 2, 4]), { n: 5, median: 3, min: 1, max: 5, p50: 3, p99: 5 });
    assert.equal(summarize([1, 2, 3, 4]).median, 2.5);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(quantile(hundred, 0.99), 99);
    assert.equal(quantile(hundred, 0.5), 50);
  });

  it("`npm run bench -- --quick` still runs and records every figure", async () => {
    // given a scratch output file; when the quick benchmark runs (started early: test/support/early.ts)
    const out = await quickRun();
    // then results.json holds the machine, node, date and each figure
    const r = JSON.parse(fs.readFileSync(out, "utf8"));
    assert.ok(r.machine.cpus > 0 && r.node.startsWith("v") && !Number.isNaN(Date.parse(r.date)));
    // the four-way cold start: empty process, ours, conventional bundled and with the SDK external
    assert.deepEqual(
      r.bundle.map((b: any) => b.variant),
      ["ours", "conventional", "conventionalSdkExternal"],
    );
    const [ours, conventional, external] = r.bundle;
    for (const b of r.bundle) assert.ok(b.minifiedBytes > 1000 && b.gzippedBytes < b.minifiedBytes, b.variant);
    assert.ok(
      external.minifiedBytes < ours.minifiedBytes && ours.minifiedBytes < conventional.minifiedBytes,
      "the SDK is most of the conventional bundle",
    );
    assert.ok(r.coldStart.emptyProcess.median > 0 && r.coldStart.runs === 2);
    for (const phase of ["init", "firstResponse"]) {
      for (const v of ["ours", "conventional", "conventionalSdkExternal"]) {
        const f = r.coldStart[phase][v];
        assert.ok(
          f.summary.n === 2 && f.summary.median > 0 && f.ratio > 0 && Number.isFinite(f.aboveEmptyMs),
          `${phase} ${v}`,
        );
      }
    }
    // and the baselines our init is read against: Node's own modules only, below ours
    for (const b of ["runtimeClient", "tlsFloor"]) {
      const f = r.coldStart.baselines[b];
      assert.ok(f.summary.n === 2 && f.summary.median > 0 && Number.isFinite(r.coldStart.oursAbove[b]), b);
    }
    for (const store of ["dynalite", "stubbedStorage"]) {
      for (const shape of ["rest-v1", "http-v2", "alb"]) {
        for (const route of ["create", "get", "list100", "update", "delete"]) {
          const s = r.perRequestMs[store][shape][route];
          assert.ok(s.n === 30 && s.p50 > 0 && s.p99 >= s.p50, `${store} ${shape} ${route}`);
        }
      }
    }
    for (const route of ["create", "get", "list100", "update", "delete"])
      assert.ok(r.perRequestMs.conventional["rest-v1"][route].p50 > 0, route);
    assert.ok(r.albVerifyMs.cachedKey.median > 0 && r.albVerifyMs.cacheMiss.median > 0);
    // what revocation adds to GET /me: off, the session cached, a cache miss (one GetItem)
    for (const k of ["off", "cacheHit", "cacheMiss"])
      assert.ok(r.revocationMs[k].n === 30 && r.revocationMs[k].p50 > 0, k);
    assert.ok(Number.isFinite(r.revocationMs.added.cacheHit) && Number.isFinite(r.revocationMs.added.cacheMiss));
    assert.ok(r.devLoopSeconds.planPerMode.cognito.median > 0);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });
});
