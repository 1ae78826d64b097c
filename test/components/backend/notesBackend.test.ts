import * as assert from "assert";
import { DYNAMODB_ACTIONS, S3_ACTIONS } from "../../../handlers/contract/permissions";
import { StackRun, allPolicies, asList, ofType, one, policy, runMode } from "../../support/stack";

describe("NotesBackend (cognito stack, defaults)", function () {
  let run: StackRun;
  before(async () => {
    // given the default config; when the program runs under mocks
    run = await runMode("cognito");
  });

  describe("DynamoDB table", () => {
    it("is keyed by the principal and the note, on demand, with PITR and encryption", () => {
      const table = one(run, "aws:dynamodb/table:Table", "notes-table").inputs;
      assert.equal(table.hashKey, "userId");
      assert.equal(table.rangeKey, "noteId");
      assert.equal(table.billingMode, "PAY_PER_REQUEST");
      assert.deepEqual(table.pointInTimeRecovery, { enabled: true });
      assert.deepEqual(table.serverSideEncryption, { enabled: true });
      assert.equal(table.deletionProtectionEnabled, false, "protection is off unless protectData");
      assert.deepEqual(one(run, "aws:dynamodb/table:Table", "notes-table").options, {
        protect: false,
        retainOnDelete: false,
        deleteBeforeReplace: false,
      });
    });
  });

  describe("attachments bucket", () => {
    it(
      "can be destroyed with its objects and versions on an unprotected stack (S3 refuses to delete a " +
        "non-empty bucket)",
      () => {
        const bucket = one(run, "aws:s3/bucket:Bucket", "notes-attachments");
        assert.equal(bucket.inputs.forceDestroy, true);
        assert.deepEqual(bucket.options, { protect: false, retainOnDelete: false, deleteBeforeReplace: false });
      },
    );
    it("blocks all four kinds of public access", () => {
      const pab = one(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
      for (const k of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"])
        assert.equal(pab[k], true, k);
      assert.equal(pab.bucket, "notes-attachments");
    });
    it("disables ACLs, versions and encrypts objects", () => {
      assert.equal(
        one(run, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule.objectOwnership,
        "BucketOwnerEnforced",
      );
      assert.equal(
        one(run, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration.status,
        "Enabled",
      );
      const sse = one(
        run,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      ).inputs;
      assert.ok(["AES256", "aws:kms"].includes(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm));
    });
    it("expires old versions after 30 days and abandoned multipart uploads after a day", () => {
      const rule = one(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules[0];
      assert.equal(rule.status, "Enabled");
      assert.deepEqual(rule.filter, { prefix: "private/" });
      assert.deepEqual(rule.noncurrentVersionExpiration, { noncurrentDays: 30 });
      assert.deepEqual(rule.abortIncompleteMultipartUpload, { daysAfterInitiation: 1 });
      assert.equal(rule.expiration, undefined, "current attachments never expire");
    });
    it("denies any request without TLS, on the bucket and on every object", () => {
      const doc = policy(one(run, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
      const deny = doc.Statement.find((s) => s.Effect === "Deny");
      assert.ok(deny, "a Deny statement");
      assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
      assert.equal(deny.Action, "s3:*");
      assert.deepEqual(asList(deny.Resource).sort(), [
        "arn:aws:s3:::notes-attachments",
        "arn:aws:s3:::notes-attachments/*",
      ]);
    });
  });

  describe("function", () => {
    it("runs the bundled handler on nodejs22.x arm64, not a serialized closure", () => {
      const fn = one(run, "aws:lambda/function:Function", "notes-api").inputs;
      assert.equal(fn.runtime, "nodejs22.x");
      assert.deepEqual(fn.architectures, ["arm64"]);
      assert.equal(fn.handler, "index.handler");
      const code = fn.code?.assets?.["index.js"]?.text as string;
      assert.ok(code && code.length > 1000, "an esbuild bundle with index.js");
      assert.ok(!/require\(["']@pulumi\//.test(code), "the bundle does not pull in Pulumi");
      assert.ok(
        !/require\(["']@(aws-sdk|smithy)\//.test(code),
        "nothing left to the runtime's AWS SDK: the bundle carries what it needs",
      );
      assert.equal(ofType(run, "aws:lambda/functionUrl:FunctionUrl").length, 0, "no function URL");
    });
    it("gets the table, the bucket and the door's settings as environment", () => {
      const env = one(run, "aws:lambda/function:Function", "notes-api").inputs.environment.variables;
      assert.equal(env.NOTES_TABLE, "notes-table");
      assert.equal(env.ATTACHMENTS_BUCKET, "notes-attachments");
      assert.equal(env.AUTH_MODE, "cognito");
    });
    it("logs to its own log group with retention", () => {
      const fn = one(run, "aws:lambda/function:Function", "notes-api").inputs;
      const group = one(run, "aws:cloudwatch/logGroup:LogGroup", "notes-api-logs");
      assert.equal(group.inputs.retentionInDays, 30);
      assert.equal(fn.loggingConfig.logGroup, "notes-api-logs");
    });
    it("leaves concurrency unreserved and tracing passive by default", () => {
      const fn = one(run, "aws:lambda/function:Function", "notes-api").inputs;
      assert.equal(fn.reservedConcurrentExecutions, undefined);
      assert.equal(fn.tracingConfig.mode, "PassThrough");
    });
    it("publishes a version on each change, which callers reach through the live alias and its permission only", () => {
      const fn = one(run, "aws:lambda/function:Function", "notes-api");
      assert.equal(fn.inputs.publish, true);
      const alias = one(run, "aws:lambda/alias:Alias", "notes-api-live");
      assert.equal(alias.parent, ofType(run, "notes-auth:backend:NotesBackend")[0].urn);
      assert.deepEqual([alias.inputs.name, alias.inputs.functionName], ["live", fn.state.name]);
      assert.equal(alias.inputs.functionVersion, fn.state.version);
      const permissions = ofType(run, "aws:lambda/permission:Permission").filter(
        (p) => p.inputs.function === fn.state.name,
      );
      assert.ok(permissions.length > 0);
      for (const p of permissions) {
        assert.equal(p.inputs.qualifier, "live", p.name);
        assert.ok(p.dependencies.includes(alias.urn), `${p.name} is made once the alias exists`);
      }
    });
  });

  describe("function role (least privilege)", () => {
    it("may use only the handler's DynamoDB actions, on this table only", () => {
      const doc = policy(one(run, "aws:iam/rolePolicy:RolePolicy", "notes-api-access").inputs.policy);
      const table = doc.Statement.find((s) => asList(s.Action).some((a: string) => a.startsWith("dynamodb:")));
      assert.deepEqual(asList(table.Action).sort(), [...DYNAMODB_ACTIONS].sort());
      assert.deepEqual(asList(table.Resource), ["arn:aws:dynamodb:us-east-1:123456789012:table/notes-table"]);
    });
    it("may touch only objects under private/ in the attachments bucket", () => {
      const doc = policy(one(run, "aws:iam/rolePolicy:RolePolicy", "notes-api-access").inputs.policy);
      const s3 = doc.Statement.find((s) => asList(s.Action).some((a: string) => a.startsWith("s3:")));
      assert.deepEqual(asList(s3.Action).sort(), [...S3_ACTIONS].sort());
      assert.deepEqual(asList(s3.Resource), ["arn:aws:s3:::notes-attachments/private/*"]);
      for (const a of asList(s3.Action) as string[])
        assert.ok(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"].includes(a), a);
    });
    it("is assumable by Lambda only", () => {
      const trust = policy(one(run, "aws:iam/role:Role", "notes-api-role").inputs.assumeRolePolicy);
      assert.deepEqual(
        trust.Statement.map((s) => s.Principal),
        [{ Service: "lambda.amazonaws.com" }],
      );
    });
  });

  it("writes no IAM statement with a * action or a bare * resource", () => {
    for (const { holder, doc } of allPolicies(run)) {
      for (const s of doc.Statement) {
        if (s.Effect === "Deny") continue; // the TLS-only deny covers s3:* on purpose
        for (const a of asList(s.Action) as string[])
          assert.ok(a !== "*" && !a.endsWith(":*"), `${holder}: action ${a}`);
        for (const r of asList(s.Resource) as string[]) assert.ok(r !== "*", `${holder}: resource *`);
      }
    }
  });
});

describe("NotesBackend with protectData and prod settings", function () {
  let run: StackRun;
  before(async () => {
    run = await runMode("cognito", {
      protectData: true,
      logRetentionDays: 365,
      lambdaReservedConcurrency: 20,
      tracing: true,
      lambdaMemoryMb: 512,
    });
  });
  it("protects and retains the table, the bucket and the user pool", () => {
    for (const [type, name] of [
      ["aws:dynamodb/table:Table", "notes-table"],
      ["aws:s3/bucket:Bucket", "notes-attachments"],
      ["aws:cognito/userPool:UserPool", "users-pool"],
    ]) {
      assert.deepEqual(
        one(run, type, name).options,
        { protect: true, retainOnDelete: true, deleteBeforeReplace: false },
        name,
      );
    }
  });
  it(
    "given protectData, protects and retains every guard rail of the bucket with it (public-access block, " +
      "ownership, versioning, lifecycle, encryption, TLS-only policy, CORS)",
    () => {
      // `pulumi destroy --exclude-protected` deletes what is not protected: the bucket would stay, open and
      // unversioned.
      const bucket = one(run, "aws:s3/bucket:Bucket", "notes-attachments");
      const rails = run.resources.filter((r) => r.custom && r.inputs.bucket === bucket.state.id);
      assert.deepEqual(rails.map((r) => r.type.split(":").pop()).sort(), [
        "BucketCorsConfiguration",
        "BucketLifecycleConfiguration",
        "BucketOwnershipControls",
        "BucketPolicy",
        "BucketPublicAccessBlock",
        "BucketServerSideEncryptionConfiguration",
        "BucketVersioning",
      ]);
      for (const r of rails)
        assert.deepEqual(
          { protect: r.options.protect, retainOnDelete: r.options.retainOnDelete },
          { protect: true, retainOnDelete: true },
          r.name,
        );
    },
  );
  it(
    "given protectData, keeps every URN of the backend (protection is an option, never a new name or " + "parent)",
    async () => {
      const plain = await runMode("cognito", {
        protectData: false,
        logRetentionDays: 365,
        lambdaReservedConcurrency: 20,
        tracing: true,
        lambdaMemoryMb: 512,
      });
      const urns = (r: StackRun) =>
        r.resources
          .filter((x) => x.urn.includes("NotesBackend"))
          .map((x) => x.urn)
          .sort();
      assert.deepEqual(urns(run), urns(plain));
    },
  );
  it("keeps refusing to destroy a bucket that holds data", () => {
    assert.equal(one(run, "aws:s3/bucket:Bucket", "notes-attachments").inputs.forceDestroy, false);
  });
  it("turns on DynamoDB and Cognito deletion protection", () => {
    assert.equal(one(run, "aws:dynamodb/table:Table").inputs.deletionProtectionEnabled, true);
    assert.equal(one(run, "aws:cognito/userPool:UserPool").inputs.deletionProtection, "ACTIVE");
  });
  it("applies retention, reserved concurrency, memory and tracing from config", () => {
    const fn = one(run, "aws:lambda/function:Function").inputs;
    assert.equal(fn.reservedConcurrentExecutions, 20);
    assert.equal(fn.memorySize, 512);
    assert.equal(fn.tracingConfig.mode, "Active");
    for (const g of ofType(run, "aws:cloudwatch/logGroup:LogGroup"))
      assert.equal(g.inputs.retentionInDays, 365, g.name);
  });
});
