import * as assert from "assert";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";
import { STSClient } from "@aws-sdk/client-sts";
import * as http from "http";
import {
  KnownCredentials,
  SIGNATURE_MISMATCH,
  SignedRequest,
  hostNamesThisServer,
  verifySigV4,
} from "../../../local/services/sigv4";
import { AwsCredentials, assumeMachineRole, callSigned } from "../../../local/clients/iamClient";
import { LOCAL_DOORS, TestDoor, useTestDoor } from "../../support/localStack";

/** A request signed as the AWS SDK signs it, in the shape a local endpoint receives it. */
async function signed(
  creds: KnownCredentials,
  opts: { date?: Date; body?: string; region?: string } = {},
): Promise<SignedRequest & { headers: Record<string, string> }> {
  const signer = new SignatureV4({
    service: "execute-api",
    region: opts.region ?? "us-east-1",
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    },
    sha256: Hash.bind(null, "sha256"),
  });
  const req = await signer.sign(
    {
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 3000,
      path: "/v1/notes",
      query: { limit: "5" },
      headers: { host: "127.0.0.1:3000", "content-type": "application/json" },
      body: opts.body ?? "{}",
    },
    opts.date ? { signingDate: opts.date } : {},
  );
  return {
    method: "POST",
    rawPath: "/v1/notes",
    rawQuery: "limit=5",
    headers: req.headers as Record<string, string>,
    body: Buffer.from(opts.body ?? "{}"),
  };
}

/** `presign()` of the AWS SDK's signer: the signature in the query string (X-Amz-*), as a presigned URL carries it. */
async function presigned(
  creds: KnownCredentials,
  opts: { date?: Date; expiresIn?: number; url?: string } = {},
): Promise<{ url: URL; request: SignedRequest }> {
  const url = new URL(opts.url ?? "http://127.0.0.1:3000/v1/notes?limit=5");
  const signer = new SignatureV4({
    service: "execute-api",
    region: "us-east-1",
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    },
    sha256: Hash.bind(null, "sha256"),
  });
  const out = await signer.presign(
    {
      method: "GET",
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host },
    },
    { expiresIn: opts.expiresIn ?? 300, ...(opts.date ? { signingDate: opts.date } : {}) },
  );
  const signedUrl = new URL(url.href);
  for (const [k, v] of Object.entries(out.query ?? {})) signedUrl.searchParams.set(k, String(v));
  return {
    url: signedUrl,
    request: {
      method: "GET",
      rawPath: signedUrl.pathname,
      rawQuery: signedUrl.search.slice(1),
      headers: { host: signedUrl.host },
    },
  };
}

describe("local AWS services: SigV4 verification", () => {
  const creds = {
    accessKeyId: "ASIAEXAMPLEEXAMPLE01",
    secretAccessKey: "secret",
    sessionToken: "token",
    expiration: Date.now() + 24 * 3600_000,
  };
  const verify = (req: SignedRequest, lookup = (k: string) => (k === creds.accessKeyId ? creds : undefined)) =>
    verifySigV4(req, { service: "execute-api", region: "us-east-1", lookup });

  it(
    "given a request the AWS SDK's signer signed with issued credentials, when verified, then it " +
      "passes; with its body or signature changed it does not",
    async () => {
      const req = await signed(creds);
      assert.equal((await verify(req)).ok, true);
      assert.deepEqual(
        await verify({ ...req, body: Buffer.from('{"x":1}') }).then((o) => !o.ok && o.failure),
        "mismatch",
      );
      const auth = String(req.headers.authorization);
      assert.deepEqual(
        await verify({
          ...req,
          headers: { ...req.headers, authorization: auth.replace(/.$/, auth.endsWith("0") ? "1" : "0") },
        }).then((o) => !o.ok && o.failure),
        "mismatch",
      );
    },
  );

  it(
    "given credentials never issued, another session token, expired credentials, a date beyond five " +
      "minutes or another region, when verified, then each is refused for its own reason",
    async () => {
      const failure = async (p: Promise<{ ok: boolean; failure?: string }>) =>
        ((await p) as { failure?: string }).failure;
      assert.equal(
        await failure(verify(await signed({ ...creds, accessKeyId: "ASIANEVERISSUED0000" }))),
        "unknown-credentials",
      );
      assert.equal(await failure(verify(await signed({ ...creds, sessionToken: "another" }))), "unknown-credentials");
      assert.equal(
        await failure(verify(await signed(creds), () => ({ ...creds, expiration: Date.now() - 1 }))),
        "expired-credentials",
      );
      assert.equal(await failure(verify(await signed(creds, { date: new Date(Date.now() - 6 * 60_000) }))), "skew");
      assert.equal(
        (await verify(await signed(creds, { date: new Date(Date.now() - 4 * 60_000) }))).ok,
        true,
        "four minutes of skew are fine",
      );
      assert.equal(await failure(verify(await signed(creds, { region: "eu-west-1" }))), "scope");
      assert.equal(await failure(verify({ method: "GET", rawPath: "/v1/notes", headers: {} })), "missing");
    },
  );

  it(
    "given a request presigned in its query string (X-Amz-Signature, X-Amz-Expires), when verified, then it " +
      "passes within X-Amz-Expires; tampered, past its expiry or with an X-Amz-Expires over a week, it does not",
    async () => {
      // https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
      const failure = async (req: SignedRequest) => ((await verify(req)) as { failure?: string }).failure;
      const { request } = await presigned(creds);
      assert.deepEqual(await verify(request).then((o) => o.ok || o.message), true);
      assert.equal(
        await failure({ ...request, rawQuery: request.rawQuery!.replace("limit=5", "limit=6") }),
        "mismatch",
      );
      // signed 10 minutes ago for 5 minutes: expired; signed 10 minutes ago for an hour: still good
      const past = new Date(Date.now() - 10 * 60_000);
      assert.equal(await failure((await presigned(creds, { date: past, expiresIn: 300 })).request), "skew");
      assert.equal((await verify((await presigned(creds, { date: past, expiresIn: 3600 })).request)).ok, true);
      const long = (await presigned(creds)).request;
      assert.equal(
        await failure({ ...long, rawQuery: long.rawQuery!.replace(/X-Amz-Expires=\d+/, "X-Amz-Expires=604801") }),
        "incomplete",
      );
      assert.equal(
        await failure((await presigned({ ...creds, sessionToken: "another" })).request),
        "unknown-credentials",
      );
    },
  );
});

describe("the local iam door: a presigned request (SigV4 in the query string)", function () {
  this.timeout(30000);
  let door: TestDoor;
  // given the iam door with the door's example machines
  useTestDoor((started) => (door = started), "iam", { extra: LOCAL_DOORS["iam with a machine role"].extra });

  it(
    "given a machine's role credentials, when it presigns GET /notes with @smithy/signature-v4 presign(), then the " +
      "door answers as it does the same call signed in its headers; with the signature altered, 403",
    async () => {
      // API Gateway's AWS_IAM takes query-string SigV4 as well as the Authorization header:
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-authentication-methods.html
      const [me] = door.outputs.local.principals.trusted;
      const sts = new STSClient({ region: "us-east-1", endpoint: door.outputs.local.endpoints.aws, credentials: me });
      const credentials = await assumeMachineRole({
        roleArn: me.roleArn,
        region: door.outputs.region,
        externalId: me.externalId,
        sts,
      }).finally(() => sts.destroy());
      const target = `${door.outputs.url.replace(/\/$/, "")}/notes`;
      const headerSigned = await callSigned({ url: target, region: door.outputs.region, credentials });
      assert.equal(headerSigned.status, 200, JSON.stringify(headerSigned.body));
      const { url } = await presigned({ ...credentials, expiration: undefined }, { url: target });
      const res = await fetch(url);
      assert.equal(res.status, 200, `${await res.text()} ${door.logs.slice(-3).join(" | ")}`);
      const sig = url.searchParams.get("X-Amz-Signature")!;
      url.searchParams.set("X-Amz-Signature", sig.replace(/.$/, sig.endsWith("0") ? "1" : "0"));
      assert.equal((await fetch(url)).status, 403);
    },
  );
});

describe("local SigV4: a signature names the host it was made for", () => {
  const on = { port: 3000, tls: false };
  it("given the Host a request signed, then only this server's (127.0.0.1 or localhost, its port) is its own", () => {
    assert.ok(hostNamesThisServer("127.0.0.1:3000", on));
    assert.ok(hostNamesThisServer("LOCALHOST:3000", on));
    assert.ok(hostNamesThisServer("127.0.0.1", { port: 80, tls: false }), "the scheme's default port may be left out");
    assert.ok(hostNamesThisServer("api.example.com:3000", on, ["api.example.com"]), "a name the server answers to");
    for (const other of ["evil.example:3000", "127.0.0.1:3001", "127.0.0.1", "127.0.0.1:3000.evil", "", undefined])
      assert.ok(!hostNamesThisServer(other, on), String(other));
  });

  it(
    "given a request the SDK signed for another host, when " +
      "this server verifies it, then the signature does not match",
    async () => {
      const creds = { accessKeyId: "ASIAEXAMPLEEXAMPLE01", secretAccessKey: "secret", sessionToken: "token" };
      const req = await signed(creds);
      const verify = (r: SignedRequest) =>
        verifySigV4(r, { service: "execute-api", region: "us-east-1", lookup: () => creds });
      assert.equal((await verify({ ...req, receivedOn: on })).ok, true, "signed for 127.0.0.1:3000, received there");
      const elsewhere = await verify({ ...req, receivedOn: { port: 4000, tls: false } });
      assert.deepEqual(elsewhere, { ok: false, failure: "mismatch", message: SIGNATURE_MISMATCH });
    },
  );
});

describe("the local endpoints refuse a signature made for another host", function () {
  this.timeout(30000);
  let door: TestDoor;
  // given the iam door with the door's example machines
  useTestDoor((started) => (door = started), "iam", { extra: LOCAL_DOORS["iam with a machine role"].extra });

  /**
   * Signs a request with the SDK's signer for `host` (the Host header it sends too), and sends it to `endpoint`
   * (a local server on 127.0.0.1): as a request made for another server, replayed at this one.
   */
  async function sendSignedFor(
    host: string | undefined,
    endpoint: string,
    opts: {
      service: string;
      credentials: AwsCredentials;
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
    },
  ): Promise<{ status: number; text: string }> {
    const url = new URL(opts.path ?? "/", endpoint);
    const signer = new SignatureV4({
      service: opts.service,
      region: door.outputs.region,
      credentials: opts.credentials,
      sha256: Hash.bind(null, "sha256"),
    });
    const hostHeader = host ?? url.host;
    const req = await signer.sign({
      method: opts.method ?? "GET",
      protocol: "http:",
      hostname: hostHeader,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: hostHeader, ...opts.headers },
      body: opts.body,
    });
    return new Promise((resolve, reject) => {
      const out = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: req.method,
          path: url.pathname + url.search,
          headers: req.headers,
        },
        (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode!, text }));
        },
      );
      out.on("error", reject);
      out.end(opts.body);
    });
  }

  const operator = () => door.outputs.local.principals.operator;
  const machine = async () => {
    const [me] = door.outputs.local.principals.trusted;
    const sts = new STSClient({ region: "us-east-1", endpoint: door.outputs.local.endpoints.aws, credentials: me });
    return assumeMachineRole({
      roleArn: me.roleArn,
      region: door.outputs.region,
      externalId: me.externalId,
      sts,
    }).finally(() => sts.destroy());
  };

  it(
    "given a machine's call signed for evil.example, when it " +
      "reaches the REST iam door, then 403 with AWS's message",
    async () => {
      const credentials = await machine();
      const url = new URL(door.outputs.url);
      const path = `${url.pathname.replace(/\/$/, "")}/notes`;
      const own = await sendSignedFor(undefined, url.origin, { service: "execute-api", credentials, path });
      assert.equal(own.status, 200, own.text);
      const other = await sendSignedFor("evil.example", url.origin, { service: "execute-api", credentials, path });
      assert.equal(other.status, 403, other.text);
      assert.deepEqual(JSON.parse(other.text), { message: SIGNATURE_MISMATCH });
    },
  );

  it("given the operator's DynamoDB call signed for another host, then InvalidSignatureException (400)", async () => {
    const call = (host?: string) =>
      sendSignedFor(host, door.outputs.local.endpoints.dynamodb, {
        service: "dynamodb",
        credentials: operator(),
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.ListTables" },
        body: "{}",
      });
    assert.equal((await call()).status, 200);
    const other = await call("dynamodb.us-east-1.amazonaws.com");
    assert.equal(other.status, 400, other.text);
    assert.equal(JSON.parse(other.text).__type, "com.amazonaws.dynamodb.v20120810#InvalidSignatureException");
  });

  it("given the operator's S3 call signed for another port of 127.0.0.1, then SignatureDoesNotMatch", async () => {
    const call = (host?: string) =>
      sendSignedFor(host, door.outputs.local.endpoints.s3, {
        service: "s3",
        credentials: operator(),
        path: `/${door.outputs.attachmentsBucket}`,
        headers: { "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
      });
    const own = await call();
    assert.equal(own.status, 200, own.text);
    const other = await call("127.0.0.1:9");
    assert.equal(other.status, 403, other.text);
    assert.match(other.text, /<Code>SignatureDoesNotMatch<\/Code>/);
  });

  it(
    "given an STS call signed for sts.amazonaws.com, when it " + "reaches the local AWS endpoint, then it is refused",
    async () => {
      const call = (host?: string) =>
        sendSignedFor(host, door.outputs.local.endpoints.aws, {
          service: "sts",
          credentials: operator(),
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "Action=GetCallerIdentity&Version=2011-06-15",
        });
      const own = await call();
      assert.equal(own.status, 200, own.text);
      const other = await call("sts.amazonaws.com");
      assert.equal(other.status, 403, other.text);
      assert.match(other.text, /<Code>SignatureDoesNotMatch<\/Code>/);
    },
  );

  it("given a user pool admin call signed for cognito-idp.amazonaws.com, then it is refused", async () => {
    const call = (host?: string) =>
      sendSignedFor(host, door.outputs.local.endpoints.aws, {
        service: "cognito-idp",
        credentials: operator(),
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "AWSCognitoIdentityProviderService.AdminGetUser",
        },
        body: JSON.stringify({ UserPoolId: door.outputs.client.userPoolId, Username: "alice@example.com" }),
      });
    const own = await call();
    assert.equal(own.status, 200, own.text);
    const other = await call("cognito-idp.us-east-1.amazonaws.com");
    assert.equal(other.status, 403, other.text);
    assert.match(other.text, /InvalidSignatureException/);
  });
});

describe("the local iam door behind a custom domain: the domain's name is a host of the door", function () {
  this.timeout(30000);
  let door: TestDoor;
  // given the iam door served on api.example.com (a custom domain without mutual TLS: plain HTTP locally)
  useTestDoor((started) => (door = started), "iam", {
    extra: {
      ...LOCAL_DOORS["iam with a machine role"].extra,
      domainName: "api.example.com",
      domainCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f9b7c1e-2222-4b4b-8888-abcdefabcdef",
    },
  });

  it("given a machine's call signed for api.example.com, then it is served; for evil.example, 403", async () => {
    const [me] = door.outputs.local.principals.trusted;
    const sts = new STSClient({ region: "us-east-1", endpoint: door.outputs.local.endpoints.aws, credentials: me });
    const credentials = await assumeMachineRole({
      roleArn: me.roleArn,
      region: door.outputs.region,
      externalId: me.externalId,
      sts,
    }).finally(() => sts.destroy());
    const url = new URL(`${door.outputs.url.replace(/\/$/, "")}/notes`);
    const call = async (hostname: string) => {
      const signer = new SignatureV4({
        service: "execute-api",
        region: door.outputs.region,
        credentials,
        sha256: Hash.bind(null, "sha256"),
      });
      const host = `${hostname}:${url.port}`;
      const req = await signer.sign({
        method: "GET",
        protocol: "http:",
        hostname,
        path: url.pathname,
        query: {},
        headers: { host },
      });
      return new Promise<number>((resolve, reject) =>
        http
          .request({ host: url.hostname, port: url.port, path: url.pathname, headers: req.headers }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          })
          .on("error", reject)
          .end(),
      );
    };
    assert.equal(await call("api.example.com"), 200);
    assert.equal(await call("evil.example"), 403);
  });
});
