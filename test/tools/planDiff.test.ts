import * as assert from "assert";
import type { RecordedResource } from "../../offline/mocks";
import { diffRuns } from "../../tools/planDiff";
import { plan } from "../../tools/plan";

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
