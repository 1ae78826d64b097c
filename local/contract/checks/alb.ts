import * as assert from "assert";
import * as crypto from "crypto";
import { newAlbKey, signAlbData } from "../../gateways/alb/albToken";
import { albTargetEvent } from "../../gateways/events";
import { Check, notAbout } from "../check";
import { ContractContext, expectStatus } from "../context";
import type { DoorFacts } from "../facts";

/** The load balancer's checks are about doors whose clients hold its session. */
const albDoor = (facts: DoorFacts) =>
  facts.credential.kind === "alb-session"
    ? undefined
    : notAbout(facts, "doors behind a load balancer that authenticates (a session cookie after its login)");

/** Lambda's API as the operator (Invoke, GetFunctionConfiguration). */
async function lambdaClient(ctx: ContractContext) {
  const lambda = await import("@aws-sdk/client-lambda");
  return {
    lambda,
    client: new lambda.LambdaClient({
      region: ctx.region,
      ...(ctx.options.awsEndpoint ? { endpoint: ctx.options.awsEndpoint } : {}),
      ...(ctx.options.operator ? { credentials: ctx.options.operator } : {}),
    }),
  };
}

/** An Application Load Balancer that authenticates: its login redirect, its session cookie, its signed header. */
export const ALB_CHECKS: Check[] = [
  {
    id: "alb-login-redirect",
    title:
      "given a browser without a session, when it requests a page, then the load balancer redirects it to the " +
      "user pool's authorization endpoint with the code flow's parameters, a state and a nonce, and " +
      "redirect_uri at the host it used",
    whyNotAbout: albDoor,
    async run(ctx) {
      const r = await ctx.call("/notes?limit=5");
      expectStatus(r, 302, "a first request");
      const to = new URL(r.headers.get("location") ?? "");
      assert.match(to.pathname, /\/oauth2\/authorize$/);
      if (ctx.outputs.local?.idp) assert.equal(`${to.origin}${to.pathname}`, ctx.outputs.local.idp.authorizeEndpoint);
      assert.equal(to.searchParams.get("response_type"), "code");
      assert.equal(to.searchParams.get("redirect_uri"), `${new URL(ctx.outputs.url).origin}/oauth2/idpresponse`);
      assert.ok(to.searchParams.get("client_id"), "client_id");
      assert.match(to.searchParams.get("scope") ?? "", /\bopenid\b/);
      assert.ok(
        (to.searchParams.get("state") ?? "").length >= 16 && (to.searchParams.get("nonce") ?? "").length >= 16,
        "state and nonce",
      );
    },
  },
  {
    id: "alb-tampered-cookie",
    title:
      "given a signed-in browser's session cookie with one character changed, when it is sent, then the load " +
      "balancer treats it as no session and redirects to the login",
    whyNotAbout: albDoor,
    async run(ctx) {
      const cookie = await (await ctx.as(ctx.parties.a))({ method: "GET", url: ctx.outputs.url, headers: {} });
      const value = cookie.headers.cookie;
      const at = value.indexOf("=") + 10;
      const tampered = `${value.slice(0, at)}${value[at] === "A" ? "B" : "A"}${value.slice(at + 1)}`;
      expectStatus(await ctx.call("/me", { headers: { cookie: tampered } }), 302, "a tampered cookie");
    },
  },
  {
    id: "alb-expired-cookie",
    title:
      "given a session cookie whose session has ended, when it is sent, then the load balancer redirects to the login",
    whyNotAbout: albDoor,
    skip: (ctx) =>
      ctx.outputs.local?.albExpiredSessionEndpoint
        ? undefined
        : "needs local mode's helper that re-dates a session (a deployed ALB's session lasts albSessionTimeout)",
    async run(ctx) {
      const session = await (await ctx.as(ctx.parties.a))({ method: "GET", url: ctx.outputs.url, headers: {} });
      const res = await fetch(ctx.outputs.local!.albExpiredSessionEndpoint!, {
        method: "POST",
        body: session.headers.cookie,
      });
      const { cookie } = (await res.json()) as { cookie: string };
      expectStatus(await ctx.call("/me", { headers: { cookie } }), 302, "an expired session");
      expectStatus(
        await ctx.call("/me", { headers: { cookie: session.headers.cookie } }),
        200,
        "the live session still works",
      );
    },
  },
  {
    id: "alb-forged-header",
    title:
      "given a request that reaches the function directly (Lambda Invoke) with an x-amzn-oidc-data header " +
      "signed by another key, or naming another load balancer as signer, when the handler gets it, then it " +
      "answers 401",
    whyNotAbout: albDoor,
    async run(ctx) {
      const { lambda, client } = await lambdaClient(ctx);
      try {
        const config = await client.send(
          new lambda.GetFunctionConfigurationCommand({ FunctionName: String(ctx.outputs.functionName) }),
        );
        const env = config.Environment?.Variables ?? {};
        const key = newAlbKey();
        const exp = Math.floor(Date.now() / 1000) + 120;
        const claims = {
          sub: ctx.parties.a.user?.sub ?? crypto.randomUUID(),
          email: ctx.parties.a.user?.email ?? "x@example.com",
        };
        for (const [what, signer] of [
          ["a header signed by another key", env.ALB_ARN],
          [
            "a header naming another load balancer",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/other/0123456789abcdef",
          ],
        ]) {
          const data = signAlbData(key, {
            signer: String(signer),
            client: String(env.ALB_CLIENT_ID),
            iss: String(env.ALB_ISSUER),
            exp,
            claims,
          });
          const event = albTargetEvent(
            {
              method: "GET",
              path: "/me",
              headers: {
                host: new URL(ctx.outputs.url).host,
                "x-amzn-oidc-data": data,
                "x-amzn-oidc-identity": claims.sub,
              },
            },
            {
              targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/direct/0123456789abcdef",
              multiValueHeaders: false,
            },
          );
          const out = await client.send(
            new lambda.InvokeCommand({
              FunctionName: String(ctx.outputs.functionName),
              Payload: Buffer.from(JSON.stringify(event)),
            }),
          );
          const answer = JSON.parse(Buffer.from(out.Payload ?? []).toString("utf8") || "{}");
          assert.equal(answer.statusCode, 401, `${what}: ${JSON.stringify(answer).slice(0, 200)}`);
        }
      } finally {
        client.destroy();
      }
    },
  },
];
