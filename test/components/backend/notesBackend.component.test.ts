import * as assert from "assert";
import { NOTES_FUNCTION_TIMEOUT_SECONDS, NotesBackend } from "../../../components/backend/notesBackend";
import { DYNAMODB_ACTIONS, S3_ACTIONS } from "../../../handlers/contract/permissions";
import { RecordedResource } from "../../../offline/mocks";
import { buildAlone, only } from "../alone";

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
  });
});
