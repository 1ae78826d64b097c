import * as assert from "assert";
import { ContractContext } from "../../../local/contract/context";
import { parseFaultFlag } from "../../../local/services/faults";
import { TestDoor, removeDir, startTestDoor } from "../../support/localStack";

/**
 * Faults of the local data services (local/services/faults.ts): what the handler answers when DynamoDB throttles,
 * refuses or stalls, and what a client meets when S3 throttles; each fault ends, and the retry is served.
 */
describe("local faults: the handler's answer when storage is in trouble", function () {
  this.timeout(30000);
  let door: TestDoor;
  let ctx: ContractContext;
  before(async () => {
    // given the cognito door, alice signed in
    door = await startTestDoor("cognito");
    ctx = new ContractContext(door.outputs);
  });
  afterEach(() => {
    door.faults.set("dynamodb", undefined);
    door.faults.set("s3", undefined);
  });
  after(async () => {
    await ctx?.cleanup();
    await door?.close();
    if (door) removeDir(door.dataDir);
  });

  const create = async () =>
    ctx.call("/notes", { method: "POST", auth: await ctx.as(ctx.parties.a), body: { title: "t", content: "c" } });
  /** The handler's prompt 503: a JSON message and Retry-After, well within the function's 10 s. */
  const assertPrompt503 = async (fault: string, withinMs: number) => {
    const t0 = Date.now();
    const r = await create();
    const ms = Date.now() - t0;
    assert.equal(r.status, 503, `${fault}: ${r.text}`);
    assert.equal(typeof r.json?.message, "string", r.text);
    assert.equal(r.headers.get("retry-after"), "1");
    assert.ok(ms < withinMs, `${fault}: answered in ${ms} ms`);
  };

  for (const fault of ["throttle", "refuse", "stall:1500"]) {
    it(`given dynamodb=${fault}, when alice writes a note, then a prompt 503; once it ends, 201`, async () => {
      door.faults.set("dynamodb", parseFaultFlag(`dynamodb=${fault}`).fault);
      await assertPrompt503(fault, 5000);
      door.faults.set("dynamodb", undefined);
      assert.equal((await create()).status, 201, "the retry is served");
    });
  }

  it("given dynamodb=throttle, when DynamoDB is called, then it answers its own throttling error (400)", async () => {
    door.faults.set("dynamodb", { kind: "throttle" });
    const res = await fetch(door.outputs.local.endpoints.dynamodb, {
      method: "POST",
      headers: { "x-amz-target": "DynamoDB_20120810.PutItem", "content-type": "application/x-amz-json-1.0" },
      body: JSON.stringify({ TableName: door.outputs.tableName }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { __type: string; ThrottlingReasons: unknown };
    assert.equal(body.__type, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException");
    assert.deepEqual(body.ThrottlingReasons, [
      {
        reason: "TableWriteKeyRangeThroughputExceeded",
        resource: `arn:aws:dynamodb:${door.outputs.region}:${door.iam.account}:table/${door.outputs.tableName}`,
      },
    ]);
  });

  it("given a short stall (dynamodb=stall:50), when alice writes a note, then it is served, later", async () => {
    door.faults.set("dynamodb", { kind: "stall", ms: 50 });
    assert.equal((await create()).status, 201);
  });

  it(
    "given s3=throttle, when alice uploads through her presigned URL, then S3's 503 SlowDown; " + "once it ends, 200",
    async () => {
      const note = await create();
      assert.equal(note.status, 201, note.text);
      const auth = await ctx.as(ctx.parties.a);
      const content = Buffer.from("hello");
      const presigned = await ctx.call(`/notes/${note.json.noteId}/attachment`, {
        method: "POST",
        auth,
        body: { contentType: "text/plain", size: content.length },
      });
      assert.equal(presigned.status, 200, presigned.text);
      const upload = () =>
        fetch(presigned.json.uploadUrl, { method: "PUT", headers: { "content-type": "text/plain" }, body: content });
      door.faults.set("s3", { kind: "throttle" });
      const slow = await upload();
      assert.equal(slow.status, 503);
      assert.match(await slow.text(), /<Code>SlowDown<\/Code><Message>Please reduce your request rate\.<\/Message>/);
      door.faults.set("s3", undefined);
      assert.equal((await upload()).status, 200, "the retry is served");
    },
  );

  it("given the faults endpoint, when a form sets and clears faults, then it answers what is in force", async () => {
    const post = (form: string) =>
      fetch(door.outputs.local.faultsEndpoint, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form,
      });
    assert.deepEqual(await (await post("dynamodb=throttle&s3=stall:200")).json(), {
      dynamodb: "throttle",
      s3: "stall:200",
    });
    assert.equal((await create()).status, 503);
    assert.deepEqual(await (await post("dynamodb=off")).json(), { s3: "stall:200" });
    const bad = await post("dynamodb=slow");
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /not throttle, refuse or stall:<ms>/);
  });
});

describe("npm start --fault", () => {
  it("given service=fault, then the fault; a service or fault it does not know is refused, naming the choices", () => {
    assert.deepEqual(parseFaultFlag("dynamodb=throttle"), { service: "dynamodb", fault: { kind: "throttle" } });
    assert.deepEqual(parseFaultFlag("s3=stall:2500"), { service: "s3", fault: { kind: "stall", ms: 2500 } });
    assert.deepEqual(parseFaultFlag("s3=off"), { service: "s3", fault: undefined });
    assert.throws(() => parseFaultFlag("sqs=throttle"), /the services are dynamodb, s3, the faults throttle, refuse/);
    assert.throws(
      () => parseFaultFlag("dynamodb=stall"),
      /--fault dynamodb "stall" is not throttle, refuse or stall:<ms>/,
    );
    assert.throws(() => parseFaultFlag("dynamodb=stall:600000"), /at most 60000 ms/);
  });
});
