import * as assert from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import { STSClient } from "@aws-sdk/client-sts";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";
import { assumeMachineRole, callSigned } from "../../../local/clients/iamClient";
import { callAsMachine, parseIamCallArgs } from "../../../tools/client/iam-call";
import { HelpRequested } from "../../../offline/cliArgs";

const ROLE = "arn:aws:iam::123456789012:role/notes-machine-role";
const ISSUED = { accessKeyId: "ASIAMACHINE", secretAccessKey: "machine-secret", sessionToken: "machine-session-token" };

/** Starts a loopback server; resolves its base URL. */
async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => resolve(data));
  });

describe("iam door client (STS + SigV4), against loopback stand-ins", function () {
  let sts: Awaited<ReturnType<typeof serve>>;
  let api: Awaited<ReturnType<typeof serve>>;
  const stsCalls: string[] = [];

  before(async () => {
    // given an STS stand-in that answers AssumeRole for the machine role
    sts = await serve(async (req, res) => {
      const form = new URLSearchParams(await readBody(req));
      stsCalls.push(`${form.get("Action")} ${form.get("RoleArn")}`);
      res.setHeader("content-type", "text/xml");
      res.end(
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${ISSUED.accessKeyId}</AccessKeyId><SecretAccessKey>${ISSUED.secretAccessKey}</SecretAccessKey><SessionToken>${ISSUED.sessionToken}</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/notes-machine-role/notes-auth-client</Arn><AssumedRoleId>AROAEXAMPLE:notes-auth-client</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
    });
    // and an API stand-in that checks SigV4 the way API Gateway's AWS_IAM does: it recomputes the signature
    api = await serve(async (req, res) => {
      const body = await readBody(req);
      const amzDate = String(req.headers["x-amz-date"]);
      const signingDate = new Date(
        `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:` +
          `${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
      );
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(String(req.headers.authorization))?.[1].split(";") ?? [];
      const url = new URL(req.url!, "http://x");
      const expected = await new SignatureV4({
        service: "execute-api",
        region: "us-east-1",
        credentials: ISSUED,
        sha256: Hash.bind(null, "sha256"),
      }).sign(
        {
          method: req.method!,
          protocol: "http:",
          hostname: "127.0.0.1",
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: Object.fromEntries(
            signedHeaders
              .filter(
                (h) => !["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"].includes(h),
              )
              .map((h) => [h, String(req.headers[h])]),
          ),
          body: body || undefined,
        },
        { signingDate },
      );
      const ok =
        expected.headers.authorization === req.headers.authorization &&
        req.headers["x-amz-security-token"] === ISSUED.sessionToken;
      res.statusCode = ok ? 200 : 403;
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify(
          ok
            ? { method: req.method, path: url.pathname, body: body ? JSON.parse(body) : null }
            : { message: "signature mismatch" },
        ),
      );
    });
  });
  after(async () => {
    await sts.close();
    await api.close();
  });

  it("assumes the machine role with STS and calls the API with a valid SigV4 signature", async () => {
    const stsClient = new STSClient({
      region: "us-east-1",
      endpoint: sts.url,
      credentials: { accessKeyId: "AKIACALLER", secretAccessKey: "caller" },
    });
    // when the client assumes the role and signs a POST
    const credentials = await assumeMachineRole({ roleArn: ROLE, region: "us-east-1", sts: stsClient });
    assert.deepEqual(credentials, ISSUED);
    assert.deepEqual(stsCalls, [`AssumeRole ${ROLE}`]);
    const res = await callSigned({
      url: `${api.url}/notes?limit=5`,
      method: "POST",
      body: { title: "t", content: "c" },
      region: "us-east-1",
      credentials,
    });
    // then the stand-in gateway accepts the signature
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { method: "POST", path: "/notes", body: { title: "t", content: "c" } });
  });

  it("is refused when signed with other credentials", async () => {
    const res = await callSigned({
      url: `${api.url}/notes`,
      region: "us-east-1",
      credentials: { ...ISSUED, secretAccessKey: "wrong" },
    });
    assert.equal(res.status, 403);
  });
});

describe("npm run call:iam's flags", () => {
  it("given --k=v or --k v, then the same call; region from AWS_REGION when left out", () => {
    assert.deepEqual(
      parseIamCallArgs(
        ["--url=https://x/notes", "--role-arn", "arn:aws:iam::1:role/m", "--method", "POST", "--body", '{"title":"t"}'],
        { AWS_REGION: "eu-west-1" },
      ),
      {
        url: "https://x/notes",
        roleArn: "arn:aws:iam::1:role/m",
        region: "eu-west-1",
        externalId: undefined,
        method: "POST",
        body: { title: "t" },
      },
    );
    assert.throws(
      () => parseIamCallArgs(["--url", "https://x/notes"], {}),
      /--url, --role-arn and --region \(or AWS_REGION\) are required/,
    );
    assert.throws(
      () => parseIamCallArgs(["--rolearn", "x"], {}),
      /unknown argument --rolearn \(see npm run call:iam -- --help\)/,
    );
  });

  it("given --help, then it lists every flag it takes", () => {
    assert.throws(
      () => parseIamCallArgs(["--help"], {}),
      (err) =>
        err instanceof HelpRequested &&
        /^Usage: npm run call:iam/.test(err.text) &&
        ["--url", "--role-arn", "--region", "--external-id", "--method", "--body"].every((f) =>
          err.text.includes(`  ${f} `),
        ),
    );
  });
});

describe("npm run call:iam outside local mode", () => {
  const args = { url: "http://127.0.0.1:3000/v1/notes", roleArn: ROLE, region: "us-east-1" };
  it(
    "given a local door's URL and no STS endpoint variable, when it runs, then it refuses before calling AWS, " +
      "naming the variables it needs",
    async () => {
      await assert.rejects(
        callAsMachine(args, {}),
        (err: Error) =>
          /is a local door, but neither AWS_ENDPOINT_URL_STS nor AWS_ENDPOINT_URL is set/.test(err.message) &&
          /local\.endpoints\.aws/.test(err.message) &&
          /AWS_ACCESS_KEY_ID/.test(err.message),
      );
    },
  );

  it(
    "given an STS that does not answer, when it " + "runs, then the error names the endpoint and the variables",
    async () => {
      const sts = new STSClient({
        region: "us-east-1",
        endpoint: "http://127.0.0.1:1",
        credentials: { accessKeyId: "AKIACALLER", secretAccessKey: "caller" },
        maxAttempts: 1,
      });
      await assert.rejects(
        callAsMachine(args, { AWS_ENDPOINT_URL_STS: "http://127.0.0.1:1" }, sts),
        (err: Error) =>
          err.message.startsWith(`STS AssumeRole of ${ROLE} at http://127.0.0.1:1 failed: `) &&
          /machineRolePrincipals/.test(err.message) &&
          /AWS_ENDPOINT_URL_STS/.test(err.message),
      );
    },
  );
});
