import * as assert from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import { cognitoRevoker } from "../../../handlers/sessions/revokeToken";
import { AwsServiceError, ServiceUnreachable, serviceEndpoint } from "../../../handlers/notes/aws";
import { hangingStandIn, timed } from "../../support/standins";

const POLICY = { deadlineMs: 400, attemptTimeoutMs: 150, maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

/** A Cognito stand-in on loopback: records each request and answers as `answer` says for the n-th (from 1). */
async function cognitoStandIn(answer: (n: number) => { status: number; body?: unknown }) {
  const seen: { headers: http.IncomingHttpHeaders; body: string; path: string }[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), path: req.url ?? "" });
    const a = answer(seen.length);
    res.writeHead(a.status, { "content-type": "application/x-amz-json-1.1" });
    res.end(a.body === undefined ? "{}" : JSON.stringify(a.body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("Cognito's RevokeToken (handlers/sessions/revokeToken.ts)", () => {
  it(
    "given a refresh token and its client, then one unsigned POST of AWS JSON 1.1 with RevokeToken's target and " +
      "{Token, ClientId}",
    async () => {
      const cognito = await cognitoStandIn(() => ({ status: 200 }));
      try {
        await cognitoRevoker({ region: "eu-west-1", endpoint: cognito.endpoint, policy: POLICY })("r.t-1", "client1");
        assert.equal(cognito.seen.length, 1);
        const [req] = cognito.seen;
        assert.equal(req.path, "/");
        assert.equal(req.headers["x-amz-target"], "AWSCognitoIdentityProviderService.RevokeToken");
        assert.equal(req.headers["content-type"], "application/x-amz-json-1.1");
        assert.equal(req.headers.authorization, undefined, "a public operation: no SigV4");
        assert.equal(req.headers["content-length"], String(Buffer.byteLength(req.body)));
        assert.deepEqual(JSON.parse(req.body), { Token: "r.t-1", ClientId: "client1" });
      } finally {
        await cognito.close();
      }
    },
  );

  it("given Cognito refuses the token, then AwsServiceError with its type and message, no retry", async () => {
    const cognito = await cognitoStandIn(() => ({
      status: 400,
      body: { __type: "UnauthorizedException", message: "Invalid token or client" },
    }));
    try {
      await assert.rejects(
        cognitoRevoker({ region: "us-east-1", endpoint: cognito.endpoint, policy: POLICY })("r.t", "c"),
        (e: any) =>
          e instanceof AwsServiceError && e.type === "UnauthorizedException" && e.message.includes("Invalid token"),
      );
      assert.equal(cognito.seen.length, 1);
    } finally {
      await cognito.close();
    }
  });

  it("given throttling, then an internal error, then success, then it retries both within the deadline", async () => {
    const cognito = await cognitoStandIn((n) =>
      n === 1
        ? { status: 400, body: { __type: "TooManyRequestsException", message: "slow down" } }
        : n === 2
          ? { status: 500, body: { __type: "InternalErrorException", message: "oops" } }
          : { status: 200 },
    );
    try {
      await cognitoRevoker({ region: "us-east-1", endpoint: cognito.endpoint, policy: POLICY })("r.t", "c");
      assert.equal(cognito.seen.length, 3);
    } finally {
      await cognito.close();
    }
  });

  it("given Cognito never answers, then ServiceUnreachable within the deadline", async () => {
    const hanging = await hangingStandIn();
    try {
      const { ms } = await timed(() =>
        assert.rejects(
          cognitoRevoker({ region: "us-east-1", endpoint: hanging.endpoint, policy: POLICY })("r.t", "c"),
          (e: any) => e instanceof ServiceUnreachable,
        ),
      );
      assert.ok(ms < POLICY.deadlineMs + 150, `${ms} ms`);
    } finally {
      await hanging.close();
    }
  });

  it("given AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, then that is the endpoint, else none (AWS's)", () => {
    assert.equal(
      serviceEndpoint("COGNITO_IDENTITY_PROVIDER", {
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: "http://127.0.0.1:9/",
        AWS_ENDPOINT_URL: "http://elsewhere/",
      }),
      "http://127.0.0.1:9/",
    );
    assert.equal(serviceEndpoint("COGNITO_IDENTITY_PROVIDER", {}), undefined);
  });
});
