import * as assert from "assert";
import type { RecordedResource } from "../../offline/mocks";
import { diffRuns } from "../../tools/planDiff";
import { plan } from "../../tools/plan";
import { readStackFile, runStack } from "../../offline/runStack";

const res = (type: string, name: string, inputs: Record<string, unknown>, aliases?: string[]): RecordedResource => ({
  type,
  name,
  urn: `urn:pulumi:dev::notes-auth::${type}::${name}`,
  custom: true,
  options: { protect: false, retainOnDelete: false, deleteBeforeReplace: false },
  dependencies: [],
  aliases: [],
  ...(aliases ? { aliasUrns: aliases } : {}),
  inputs,
  state: {},
});
const FN = "aws:lambda/function:Function";
/** The function's live alias: it moves to the version a change of the function publishes. */
const ALIAS = "aws:lambda/alias:Alias";
const PERM = "aws:lambda/permission:Permission";
const TABLE = "aws:dynamodb/table:Table";

describe("diffRuns (what pulumi up would do between two runs)", () => {
  it("given the same URN with a changed ordinary input, then it is an update naming the input", () => {
    const changes = diffRuns([res(FN, "api", { memorySize: 128 })], [res(FN, "api", { memorySize: 256 })]);
    assert.deepEqual(changes, [{ change: "update", urn: res(FN, "api", {}).urn, type: FN, inputs: ["memorySize"] }]);
  });

  it("given a changed replace-on-change input, then it is a replace, and unchanged resources are left out", () => {
    const before = [res(PERM, "invoke", { sourceArn: "a" }), res(TABLE, "notes", { hashKey: "pk" })];
    const after = [res(PERM, "invoke", { sourceArn: "b" }), res(TABLE, "notes", { hashKey: "pk" })];
    const changes = diffRuns(before, after);
    assert.deepEqual(
      changes.map((c) => [c.change, c.type, c.replacedBy]),
      [["replace", PERM, ["sourceArn"]]],
    );
  });

  it("given a URN gone and a new one, then a delete and a create", () => {
    const changes = diffRuns([res(PERM, "old", {})], [res(PERM, "new", {})]);
    assert.deepEqual(
      changes.map((c) => [c.change, c.urn.split("::").pop()]),
      [
        ["create", "new"],
        ["delete", "old"],
      ],
    );
  });

  it("given a renamed resource aliasing name the old URN, then it is the same resource (no delete + create)", () => {
    const old = res(TABLE, "notes", { hashKey: "pk" });
    const changes = diffRuns([old], [res(TABLE, "notes-v2", { hashKey: "pk" }, [old.urn])]);
    assert.deepEqual(
      changes.map((c) => [c.change, c.from]),
      [["update", old.urn]],
    );
  });
});

describe("npm run plan -- --diff", function () {
  this.timeout(120_000);

  it("given dev (cognito), when switched to http-jwt, then the old door is deleted, the new one created", async () => {
    const { code, stdout } = await plan(["--diff", "--json", "--set", "notes-auth:authMode=http-jwt"]);
    assert.equal(code, 0);
    const changes = JSON.parse(stdout) as { change: string; type: string }[];
    const of = (kind: string) => changes.filter((c) => c.change === kind).map((c) => c.type);
    assert.ok(of("delete").includes("notes-auth:door:NotesRestApi"));
    assert.ok(of("delete").includes("aws:apigateway/authorizer:Authorizer"));
    assert.ok(of("create").includes("notes-auth:door:HttpJwtFrontDoor"));
    assert.ok(of("create").includes("aws:apigatewayv2/authorizer:Authorizer"));
    // the backend's table and bucket appear nowhere
    assert.ok(!changes.some((c) => c.type === TABLE || c.type === "aws:s3/bucket:Bucket"));
    const text = await plan(["--diff", "--set", "notes-auth:authMode=http-jwt"]);
    assert.match(text.stdout, /^Stack dev: authMode cognito -> http-jwt\n\ncreate \(\d+\)/);
  });
});

describe("npm run plan -- --diff: several doors and the migration recipe (docs/deploying.md)", function () {
  this.timeout(180_000);
  type Changes = { change: string; type: string; urn: string; inputs?: string[] }[];
  const diff = async (...sets: string[]): Promise<Changes> => {
    const { code, stdout, stderr } = await plan(["--diff", "--json", ...sets.flatMap((s) => ["--set", s])]);
    assert.equal(code, 0, stderr);
    return JSON.parse(stdout);
  };
  const BOTH = ['doors=["cognito","http-jwt"]', "authMode="];

  it(
    "given dev (cognito), when the stack adds http-jwt (step 1: doors [old, new]), then only the new door is " +
      "created and the function's environment updated in place: nothing replaced or deleted",
    async () => {
      const changes = await diff(...BOTH);
      assert.deepEqual(
        changes.filter((c) => c.change === "delete" || c.change === "replace"),
        [],
      );
      const created = changes.filter((c) => c.change === "create");
      assert.ok(created.length > 5);
      assert.deepEqual(
        created.filter((c) => !c.urn.includes("::notes-auth:door:HttpJwtFrontDoor")),
        [],
        "every new resource is the new door's",
      );
      assert.deepEqual(
        changes.filter((c) => c.change === "update").map((c) => [c.type, c.inputs]),
        [
          [ALIAS, ["functionVersion"]],
          [FN, ["environment"]],
        ],
      );
      const text = await plan(["--diff", ...BOTH.flatMap((s) => ["--set", s])]);
      assert.match(text.stdout, /^Stack dev: doors cognito -> cognito, http-jwt \(primary cognito -> cognito\)\n/);
    },
  );

  it(
    "when primaryDoor moves to the new door (step 2), then no door resource changes: only the function's " +
      "environment (the primary's variables) is updated; with a custom domain, the root mapping is replaced " +
      "to the new door and /<door> mappings swap",
    async () => {
      const dev = readStackFile("dev");
      const step1 = { ...dev, authMode: "", doors: ["cognito", "http-jwt"] };
      const DOMAIN = {
        domainName: "notes.example.com",
        domainCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f9b7c1e-1111-4a4a-9999-abcdefabcdef",
      };
      const runs = await Promise.all(
        [
          step1,
          { ...step1, primaryDoor: "http-jwt" },
          { ...step1, ...DOMAIN },
          { ...step1, ...DOMAIN, primaryDoor: "http-jwt" },
        ].map((config) => runStack({ stack: "dev", config })),
      );
      const plain = diffRuns(runs[0].resources, runs[1].resources);
      assert.deepEqual(
        plain.map((c) => [c.change, c.type, c.inputs]),
        [
          ["update", ALIAS, ["functionVersion"]],
          ["update", FN, ["environment"]],
        ],
      );
      const named = diffRuns(runs[2].resources, runs[3].resources).map((c) => [c.change, c.urn.split("::").pop()]);
      assert.deepEqual(named.sort(), [
        ["create", "domain-mapping-cognito"],
        ["delete", "domain-mapping-http-jwt"],
        ["replace", "domain-mapping"],
        ["update", "notes-api"],
        ["update", "notes-api-live"],
      ]);
    },
  );

  it(
    "when the old door is removed (step 3: doors [new]), then only the old door is deleted and the function's " +
      "environment updated; nothing is created, and the user pool, table and bucket stay",
    async () => {
      // step 2's config, then step 3's, as two runs of the program (what --diff compares)
      const dev = readStackFile("dev");
      const [step2, step3] = await Promise.all([
        runStack({
          stack: "dev",
          config: { ...dev, authMode: "", doors: ["cognito", "http-jwt"], primaryDoor: "http-jwt" },
        }),
        runStack({ stack: "dev", config: { ...dev, authMode: "", doors: ["http-jwt"] } }),
      ]);
      const changes = diffRuns(step2.resources, step3.resources);
      const deleted = changes.filter((c) => c.change === "delete");
      assert.ok(deleted.length > 5);
      assert.deepEqual(
        deleted.filter((c) => !c.urn.includes("::notes-auth:door:CognitoFrontDoor")),
        [],
        "every deleted resource is the old door's",
      );
      assert.deepEqual(
        changes.filter((c) => c.change !== "delete").map((c) => [c.change, c.type, c.inputs]),
        [
          ["update", ALIAS, ["functionVersion"]],
          ["update", FN, ["environment"]],
        ],
      );
      for (const type of [TABLE, "aws:s3/bucket:Bucket", "aws:cognito/userPool:UserPool"])
        assert.ok(!changes.some((c) => c.type === type), type);
    },
  );
});
