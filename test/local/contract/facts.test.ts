import * as assert from "assert";
import { appliesTo } from "../../../local/contract/check";
import { CHECKS } from "../../../local/contract/checks";
import { ALB_CHECKS } from "../../../local/contract/checks/alb";
import { API_KEY_CHECKS } from "../../../local/contract/checks/apiKeys";
import { IAM_CHECKS } from "../../../local/contract/checks/iam";
import { LAMBDA_AUTHORIZER_CHECKS } from "../../../local/contract/checks/lambdaAuthorizer";
import { USAGE_PLAN_CHECKS } from "../../../local/contract/checks/usagePlans";
import { REVOCATION_CHECKS } from "../../../local/contract/checks/revocation";
import { DoorFacts, doorFacts } from "../../../local/contract/facts";
import { LOCAL_DOORS } from "../../support/localStack";
import { runMode } from "../../support/stack";

/** The revocation check about a Lambda authorizer's cached answer (the others are listed at every door). */
const CACHED_ALLOW_CHECKS = REVOCATION_CHECKS.filter((c) => c.whyNotAbout);

/**
 * The contract's checks select themselves from what a door's outputs publish, never from its name:
 * from each door's recorded outputs, the facts come out as that door is built, and the checks that
 * select themselves are the ones written for it.
 */
const EXPECTED: Record<keyof typeof LOCAL_DOORS, { facts: Omit<DoorFacts, "name" | "credential">; own: string[] }> = {
  cognito: { facts: { authorizer: "cognito-user-pools", gateway: "rest-api", apiKey: false, tiers: false }, own: [] },
  "http-jwt": {
    facts: { authorizer: "jwt", gateway: "http-api", apiKey: false, tiers: false },
    own: ["read-only-token"],
  },
  "http-jwt with m2mClient and mutual TLS": {
    facts: { authorizer: "jwt", gateway: "http-api", apiKey: false, tiers: false },
    own: ["read-only-token"],
  },
  "iam with a machine role": {
    facts: { authorizer: "aws-iam", gateway: "rest-api", apiKey: false, tiers: false },
    own: IAM_CHECKS.map((c) => c.id),
  },
  "api-key": {
    facts: { authorizer: "none", gateway: "rest-api", apiKey: true, tiers: false },
    own: [...API_KEY_CHECKS, ...USAGE_PLAN_CHECKS].map((c) => c.id),
  },
  "api-key with apiKeyWithCognito": {
    facts: { authorizer: "cognito-user-pools", gateway: "rest-api", apiKey: true, tiers: false },
    own: [...API_KEY_CHECKS, ...USAGE_PLAN_CHECKS].map((c) => c.id),
  },
  "alb-oidc": {
    facts: { authorizer: "load-balancer", gateway: "load-balancer", apiKey: false, tiers: false },
    own: ALB_CHECKS.map((c) => c.id),
  },
  "lambda-authorizer": {
    facts: { authorizer: "lambda", gateway: "rest-api", apiKey: false, tiers: true },
    own: [...CACHED_ALLOW_CHECKS, ...LAMBDA_AUTHORIZER_CHECKS, ...USAGE_PLAN_CHECKS].map((c) => c.id),
  },
};

/** The checks about some doors only: those that select themselves. */
const selective = CHECKS.filter((c) => c.whyNotAbout);

describe("the contract's checks select themselves from the door's outputs", function () {
  this.timeout(60000);
  for (const [label, config] of Object.entries(LOCAL_DOORS)) {
    const expected = EXPECTED[label as keyof typeof LOCAL_DOORS];
    it(
      `given the ${label} door's recorded outputs, then the facts derived from them are those of how ` +
        `it is built, and its own checks (${expected.own.join(", ") || "none"}) are the ones that select themselves`,
      async () => {
        const { outputs } = await runMode(config.mode, config.extra);
        const published = doorFacts({ authMode: outputs.authMode, client: outputs.client });
        const { name, credential, ...facts } = published;
        assert.equal(name, config.mode);
        assert.equal(credential.kind, outputs.client.credential.kind);
        assert.deepEqual(facts, expected.facts);
        assert.deepEqual(
          selective.filter((c) => appliesTo(c, published)).map((c) => c.id),
          expected.own,
        );
      },
    );
  }
});
