import * as assert from "assert";
import { Check, notAbout } from "../check";
import { expectStatus } from "../context";
import { DoorFacts, whoChecks } from "../facts";

/** The Lambda authorizer's checks are about doors whose authorizer is a Lambda function. */
const lambdaAuthorizerDoor = (facts: DoorFacts) =>
  facts.authorizer === "lambda"
    ? undefined
    : notAbout(facts, "a Lambda authorizer (client.authorizerCacheSeconds)", whoChecks(facts.authorizer));

/** A Lambda authorizer: the one policy it answers (and API Gateway caches) for every route. */
export const LAMBDA_AUTHORIZER_CHECKS: Check[] = [
  {
    id: "authorizer-cached-policy",
    title:
      "given a user who called an allowed route, when they call /admin/stats and another allowed route while " +
      "the authorizer's answer is cached, then /admin/stats is 403 with an explicit deny and the other route " +
      "200: one policy answers for every route",
    whyNotAbout: lambdaAuthorizerDoor,
    async run(ctx) {
      const auth = await ctx.as(ctx.parties.a);
      expectStatus(await ctx.call("/notes", { auth }), 200, "an allowed route first");
      const admin = await ctx.call("/admin/stats", { auth });
      expectStatus(admin, 403, "/admin/stats next");
      assert.equal(admin.json?.message, "User is not authorized to access this resource with an explicit deny");
      expectStatus(await ctx.call("/me", { auth }), 200, "another allowed route");
    },
  },
];
