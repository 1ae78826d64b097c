import * as assert from "assert";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { fromCognitoIdentityPool } from "@aws-sdk/credential-providers";
import { matchingCorsRule, s3Preflight } from "../../../local/services/s3";
import { signIn } from "../../../local/clients/doorClient";
import { TestDoor, useTestDoor } from "../../support/localStack";

/**
 * The local S3 (local/services/s3.ts) answers only credentials the local services issued, and only
 * for actions the caller's RECORDED IAM policies allow, with S3's errors (403 for each).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
 */
describe("local S3: issued credentials and the caller's IAM policies", function () {
  this.timeout(30000);
  let door: TestDoor;
  // given the iam door (an identity pool whose authenticated role grants execute-api only)
  useTestDoor((started) => (door = started), "iam");

  type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  const s3 = (credentials: Creds) =>
    new S3Client({
      region: door.outputs.region,
      endpoint: door.outputs.local.endpoints.s3,
      forcePathStyle: true,
      credentials,
      maxAttempts: 1,
    });
  const list = async (credentials: Creds) => {
    const client = s3(credentials);
    try {
      return await client.send(new ListObjectsV2Command({ Bucket: door.outputs.attachmentsBucket }));
    } finally {
      client.destroy();
    }
  };

  it("given made-up access keys (s3rver's own too), when they list the bucket, then InvalidAccessKeyId", async () => {
    for (const credentials of [
      { accessKeyId: "AKIAMADEUPMADEUP0000", secretAccessKey: "made-up" },
      { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    ])
      await assert.rejects(
        list(credentials),
        (err: any) => err.name === "InvalidAccessKeyId" && err.$metadata?.httpStatusCode === 403,
        credentials.accessKeyId,
      );
  });

  it("given alice's identity-pool credentials, when she lists or reads the bucket, then AccessDenied", async () => {
    const region = door.outputs.region;
    const tokens = await signIn(door.outputs, door.outputs.local.users[0]);
    const credentials = await fromCognitoIdentityPool({
      clientConfig: { region, endpoint: door.outputs.local.endpoints.aws },
      identityPoolId: String(door.outputs.client.identityPoolId),
      logins: { [`cognito-idp.${region}.amazonaws.com/${door.outputs.client.userPoolId}`]: tokens.id_token! },
    })();
    await assert.rejects(
      list(credentials),
      (err: any) => err.name === "AccessDenied" && err.$metadata?.httpStatusCode === 403,
    );
    const client = s3(credentials);
    await assert.rejects(
      client.send(new GetObjectCommand({ Bucket: door.outputs.attachmentsBucket, Key: "attachments/x" })),
      (err: any) => err.name === "AccessDenied",
    );
    client.destroy();
  });

  it(
    "given the function's own credentials (its role's: PutObject and DeleteObject on private/*), when it puts and " +
      "deletes an object there, then S3 answers; a read, or a key outside private/, is AccessDenied",
    async () => {
      const fn = door.lambda.functions.find((f) => f.environment.AUTH_MODE) ?? door.lambda.functions[0];
      const own = {
        accessKeyId: fn.environment.AWS_ACCESS_KEY_ID,
        secretAccessKey: fn.environment.AWS_SECRET_ACCESS_KEY,
        sessionToken: fn.environment.AWS_SESSION_TOKEN,
      };
      const Bucket = door.outputs.attachmentsBucket;
      const client = s3(own);
      const forged = s3({ ...own, secretAccessKey: "x" + own.secretAccessKey });
      try {
        const Key = "private/spec/object.txt";
        await client.send(new PutObjectCommand({ Bucket, Key, Body: "hello" }));
        await assert.rejects(
          client.send(new GetObjectCommand({ Bucket, Key })),
          (err: any) => err.name === "AccessDenied",
        );
        await assert.rejects(
          client.send(new PutObjectCommand({ Bucket, Key: "elsewhere.txt", Body: "x" })),
          (err: any) => err.name === "AccessDenied",
        );
        // with its secret altered, SignatureDoesNotMatch
        await assert.rejects(
          forged.send(new PutObjectCommand({ Bucket, Key, Body: "forged" })),
          (err: any) => err.name === "SignatureDoesNotMatch",
        );
        await client.send(new DeleteObjectCommand({ Bucket, Key }));
      } finally {
        client.destroy();
        forged.destroy();
      }
    },
  );

  describe("given the attachments bucket's recorded CORS rules", () => {
    const objectUrl = () => `${door.outputs.local.endpoints.s3}/${door.outputs.attachmentsBucket}/notes/x/file.txt`;
    const listed = () => {
      assert.ok(door.outputs.local.corsOrigins.length, "the door records CORS origins");
      return door.outputs.local.corsOrigins[0];
    };
    const preflight = (origin: string, method = "PUT", headers = "content-type") =>
      fetch(objectUrl(), {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
      });

    it("when a listed origin preflights a PUT with its type, then S3 allows that origin, not *", async () => {
      const res = await preflight(listed());
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("access-control-allow-origin"), listed());
      assert.match(res.headers.get("access-control-allow-methods") ?? "", /\bPUT\b/);
      assert.equal(res.headers.get("access-control-allow-headers"), "content-type");
      assert.equal(res.headers.get("access-control-max-age"), "3000");
    });

    it("when an origin no rule lists, another method or another header preflights, then S3 refuses it", async () => {
      for (const res of [
        await preflight("https://evil.example"),
        await preflight(`${listed()}.evil.example`),
        await preflight(listed(), "DELETE"),
        await preflight(listed(), "PUT", "content-type, x-amz-acl"),
      ]) {
        assert.equal(res.status, 403);
        assert.equal(res.headers.get("access-control-allow-origin"), null);
        assert.match(await res.text(), /<Code>AccessForbidden<\/Code><Message>CORSResponse: This CORS request/);
      }
    });

    it("when a browser's GET comes from a listed origin or another, then only the listed one may read it", async () => {
      const get = (origin: string) => fetch(objectUrl(), { headers: { origin } });
      assert.equal((await get(listed())).headers.get("access-control-allow-origin"), listed());
      const other = await get("https://evil.example");
      assert.equal(other.headers.get("access-control-allow-origin"), null);
      assert.equal(other.headers.get("access-control-allow-credentials"), null);
    });
  });
});

describe("local S3's CORS rules, as S3 matches them", () => {
  const rules = [
    { allowedOrigins: ["https://*.example.com"], allowedMethods: ["GET"], allowedHeaders: ["x-amz-*"] },
    { allowedOrigins: ["*"], allowedMethods: ["HEAD"] },
  ];
  const preflight = (origin: string, method: string, headers?: string) =>
    s3Preflight(rules, {
      method: "OPTIONS",
      path: "/bucket/key",
      headers: {
        origin,
        "access-control-request-method": method,
        ...(headers ? { "access-control-request-headers": headers } : {}),
      },
    });

  it("given a wildcard origin and header, when a request matches them, then the first matching rule answers", () => {
    assert.equal(matchingCorsRule(rules, "https://app.example.com", "GET", ["X-Amz-Date"]), rules[0]);
    assert.equal(matchingCorsRule(rules, "https://example.com", "GET"), undefined, "the wildcard needs a subdomain");
    assert.equal(matchingCorsRule(rules, "https://app.example.com", "GET", ["content-type"]), undefined);
    const echoed = preflight("https://app.example.com", "GET").headers?.["access-control-allow-origin"];
    assert.equal(echoed, "https://app.example.com");
  });

  it("given a rule for any origin, when it answers, then S3 allows * (and no credentials)", () => {
    const res = preflight("https://anyone.example.org", "HEAD");
    assert.equal(res.status, 200);
    assert.equal(res.headers?.["access-control-allow-origin"], "*");
    assert.equal(res.headers?.["access-control-allow-credentials"], undefined);
  });
});
