import * as assert from "assert";
import { NOTES_FUNCTION_TIMEOUT_SECONDS, NotesBackend } from "../../../components/backend/notesBackend";
import { DYNAMODB_ACTIONS, REVOCATION_ACTIONS, S3_ACTIONS } from "../../../handlers/contract/permissions";
import { revocationSettings, signOutSettings } from "../../../handlers/contract/stack";
import { REVOKED_SESSION_KEYS } from "../../../handlers/contract/table";
import { readEnv } from "../../../handlers/env";
import { RecordedResource } from "../../../offline/mocks";
import { all, buildAlone, only } from "../alone";

describe("NotesBackend, built alone", function () {
  let resources: RecordedResource[];
  before(async () => {
    // given an unprotected backend with one upload origin and the door's environment
    resources = await buildAlone(
      () =>
        new NotesBackend("notes", {
          logRetentionDays: 14,
          memoryMb: 512,
          reservedConcurrency: 5,
          corsOrigins: ["https://app.example.com"],
          handlerEnvironment: { AUTH_MODE: "iam" },
        }),
    );
  });

  it("when built, then the table has point-in-time recovery and encryption, and unprotected data is not kept", () => {
    const table = only(resources, "aws:dynamodb/table:Table");
    assert.deepEqual(table.inputs.pointInTimeRecovery, { enabled: true });
    assert.deepEqual(table.inputs.serverSideEncryption, { enabled: true });
    assert.equal(table.inputs.deletionProtectionEnabled, false);
    assert.deepEqual([table.options.protect, table.options.retainOnDelete], [false, false]);
    assert.equal(only(resources, "aws:s3/bucket:Bucket").inputs.forceDestroy, true);
  });

  it("when built, then the bucket blocks all public access, and its TLS-only policy waits for the block", () => {
    const bucket = only(resources, "aws:s3/bucket:Bucket");
    const block = only(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    assert.deepEqual(block.inputs, {
      bucket: bucket.state.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const policy = only(resources, "aws:s3/bucketPolicy:BucketPolicy");
    assert.ok(policy.dependencies.includes(block.urn));
    assert.match(policy.inputs.policy, /"aws:SecureTransport":"false"/);
    const cors = only(resources, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration");
    assert.deepEqual(cors.inputs.corsRules[0].allowedOrigins, ["https://app.example.com"]);
  });

  it("when built, then the function's role reaches this table and only the bucket's private/ prefix", () => {
    const table = only(resources, "aws:dynamodb/table:Table");
    const bucket = only(resources, "aws:s3/bucket:Bucket");
    const statements = JSON.parse(only(resources, "aws:iam/rolePolicy:RolePolicy").inputs.policy).Statement;
    const sid = (s: string) => statements.find((x: any) => x.Sid === s);
    assert.deepEqual([sid("NotesTable").Action, sid("NotesTable").Resource], [[...DYNAMODB_ACTIONS], table.state.arn]);
    assert.deepEqual(
      [sid("PrivateAttachments").Action, sid("PrivateAttachments").Resource],
      [[...S3_ACTIONS], `${bucket.state.arn}/private/*`],
    );
  });

  it("when built, then the function is sized as asked and told the door's settings and its table and bucket", () => {
    const fn = only(resources, "aws:lambda/function:Function");
    const role = only(resources, "aws:iam/role:Role");
    assert.deepEqual(
      [fn.inputs.memorySize, fn.inputs.timeout, fn.inputs.reservedConcurrentExecutions, fn.inputs.role],
      [512, NOTES_FUNCTION_TIMEOUT_SECONDS, 5, role.state.arn],
    );
    const env = fn.inputs.environment.variables;
    assert.equal(env.AUTH_MODE, "iam");
    assert.equal(env.NOTES_TABLE, only(resources, "aws:dynamodb/table:Table").state.name);
    assert.equal(env.ATTACHMENTS_BUCKET, only(resources, "aws:s3/bucket:Bucket").state.bucket);
    // and without revocation, no revoked sessions table and no revocation setting
    assert.equal(all(resources, "aws:dynamodb/table:Table").length, 1);
    assert.equal(revocationSettings.decode(env).table, undefined);
    assert.equal(env.SESSION_REFRESH_SECONDS, undefined);
  });
});

describe("NotesBackend with revocation, built alone", function () {
  let resources: RecordedResource[];
  const REVOCATION = { cacheSeconds: 7, refreshSeconds: 30 * 86400 };
  before(async () => {
    // given a protected backend with revocation on
    resources = await buildAlone(
      () =>
        new NotesBackend("notes", {
          protectData: true,
          logRetentionDays: 14,
          memoryMb: 256,
          reservedConcurrency: -1,
          handlerEnvironment: { AUTH_MODE: "cognito" },
          revocation: REVOCATION,
        }),
    );
  });
  const revoked = () => only(resources, "aws:dynamodb/table:Table", "notes-revoked-sessions");

  it(
    "when built, then a second table, named from the component, keyed by the session id, with TTL, encryption, " +
      "point-in-time recovery and (protected) deletion protection as the notes table has",
    () => {
      const t = revoked();
      assert.equal(t.parent, only(resources, "notes-auth:backend:NotesBackend").urn);
      assert.equal(t.inputs.hashKey, REVOKED_SESSION_KEYS.partition);
      assert.equal(t.inputs.rangeKey, undefined);
      assert.deepEqual(t.inputs.attributes, [{ name: REVOKED_SESSION_KEYS.partition, type: "S" }]);
      assert.deepEqual(t.inputs.ttl, { attributeName: REVOKED_SESSION_KEYS.ttl, enabled: true });
      const notes = only(resources, "aws:dynamodb/table:Table", "notes-table");
      for (const key of ["billingMode", "pointInTimeRecovery", "serverSideEncryption", "deletionProtectionEnabled"])
        assert.deepEqual(t.inputs[key], notes.inputs[key], key);
      assert.equal(t.inputs.deletionProtectionEnabled, true);
      assert.deepEqual([t.options.protect, t.options.retainOnDelete], [true, true]);
    },
  );

  it("when built, then the function may GetItem and PutItem on that table's exact ARN, nothing else there", () => {
    const statements = JSON.parse(only(resources, "aws:iam/rolePolicy:RolePolicy").inputs.policy).Statement;
    const st = statements.find((x: any) => x.Sid === "RevokedSessions");
    assert.deepEqual([st.Effect, st.Action, st.Resource], ["Allow", [...REVOCATION_ACTIONS], revoked().state.arn]);
    assert.deepEqual(REVOCATION_ACTIONS, ["dynamodb:GetItem", "dynamodb:PutItem"]);
    const onIt = statements.filter((x: any) => [x.Resource].flat().some((r: string) => r.includes("revoked")));
    assert.deepEqual(onIt, [st]);
  });

  it("when built, then the function is told the table, the cache and a sign-out's refusal times, as read", () => {
    const vars = only(resources, "aws:lambda/function:Function").inputs.environment.variables;
    assert.deepEqual(revocationSettings.decode(vars), { table: revoked().state.name, cacheSeconds: 7 });
    assert.deepEqual(signOutSettings.decode(vars), { refreshSeconds: 30 * 86400 });
    assert.deepEqual(readEnv({ ...vars, ...HANDLER_BASICS }).revocation, {
      table: revoked().state.name,
      ...REVOCATION,
    });
  });
});

/** What the handler also needs to read an environment (the door's settings, written by the stack). */
const HANDLER_BASICS = { ADMIN_GROUP: "admins", ALLOWED_CLIENT_IDS: "spaclient" };
