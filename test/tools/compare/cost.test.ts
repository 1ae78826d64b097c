import * as assert from "assert";
import {
  ALB_PUBLIC_IPS,
  HOURS_PER_MONTH,
  PRICES,
  cognitoMauCost,
  monthlyCost,
  stackCost,
  tiered,
} from "../../../tools/compare/cost";
import { NO_METERS } from "../../../tools/compare/meters";
import { DEFAULT_COGNITO_PLAN } from "../../../awsRules/userPool";
import { DEFAULT_SCENARIOS, Scenario, ScenarioError, parseScenarioFlags } from "../../../tools/compare/scenarios";

const p = PRICES["us-east-1"];
const scenario = (over: Partial<Scenario>): Scenario => ({
  name: "t",
  mau: 0,
  requestsPerMonth: 0,
  m2mTokenRequestsPerMonth: 0,
  avgResponseBytes: 2048,
  lambdaMs: 20,
  lambdaMemoryMb: 256,
  readShare: 0.8,
  cognitoPlan: DEFAULT_COGNITO_PLAN,
  ...over,
});
const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual} != ${expected}`);

describe("cost model", () => {
  describe("price data", () => {
    it("gives every price its source page and the date it was read", () => {
      for (const [service, entry] of Object.entries(p)) {
        assert.match((entry as any).source, /^https:\/\//, service);
        assert.match((entry as any).read, /^\d{4}-\d{2}-\d{2}$/, service);
      }
    });
  });

  describe("tiered()", () => {
    it("prices each unit in its own band", () => {
      const bands = [
        { upTo: 10, price: 1 },
        { upTo: 20, price: 0.5 },
        { upTo: null, price: 0.1 },
      ];
      close(tiered(0, bands), 0, "zero");
      close(tiered(10, bands), 10, "first band exactly"); // 10 x 1
      close(tiered(11, bands), 10.5, "one into the second"); // 10 + 1 x 0.5
      close(tiered(30, bands), 16, "into the last"); // 10 + 5 + 10 x 0.1
    });
  });

  describe("zero traffic", () => {
    it("costs nothing behind API Gateway, and only the ALB's fixed hours and addresses behind the ALB", () => {
      const z = scenario({});
      for (const door of ["iam", "cognito", "http-jwt", "api-key"] as const) close(monthlyCost(door, z).total, 0, door);
      // 730 h x $0.0225 = $16.425; 2 IPs x 730 h x $0.005 = $7.30
      const alb = monthlyCost("alb-oidc", z);
      close(alb.gateway, 16.425, "ALB hours");
      close(alb.other, 7.3, "IPv4");
      close(alb.total, 23.725, "ALB total");
      assert.equal(ALB_PUBLIC_IPS * HOURS_PER_MONTH * p.publicIpv4.perAddressHour, 7.3);
    });
  });

  describe("free tiers", () => {
    it("Lambda: exactly 1M requests and 400,000 GB-s cost nothing; one more request costs $0.0000002", () => {
      // 1M requests x 400 ms x 1 GB = 400,000 GB-s
      const atLimit = scenario({ requestsPerMonth: 1_000_000, lambdaMs: 400, lambdaMemoryMb: 1024 });
      close(monthlyCost("http-jwt", atLimit).lambda, 0, "at the free tier");
      // one more request: $0.20 / 1M for the request + 0.4 GB-s x $0.0000133334
      const over = scenario({ requestsPerMonth: 1_000_001, lambdaMs: 400, lambdaMemoryMb: 1024 });
      close(monthlyCost("http-jwt", over).lambda, 0.0000002 + 0.4 * 0.0000133334, "one over");
    });
    it(
      "Cognito: Lite (the default) and Essentials give 10,000 MAU free, then $0.0055 and $0.015; Plus bills " +
        "every MAU at $0.02",
      () => {
        close(monthlyCost("cognito", scenario({ mau: 10_000 })).cognito, 0, "at the boundary");
        close(monthlyCost("cognito", scenario({ mau: 10_001 })).cognito, 0.0055, "one over, Lite");
        close(
          monthlyCost("cognito", scenario({ mau: 10_001, cognitoPlan: "ESSENTIALS" })).cognito,
          0.015,
          "one over, Essentials",
        );
        close(monthlyCost("cognito", scenario({ mau: 1, cognitoPlan: "PLUS" })).cognito, 0.02, "Plus has no free MAU");
        close(monthlyCost("api-key", scenario({ mau: 1_000_000 })).cognito, 0, "keys are not users");
      },
    );
    it("Cognito at 100k MAU: $495 on Lite instead of $1,350 on Essentials", () => {
      close(cognitoMauCost(100_000, "LITE"), 495, "Lite");
      close(cognitoMauCost(100_000, "ESSENTIALS"), 1350, "Essentials");
      close(cognitoMauCost(100_000, "PLUS"), 2000, "Plus");
    });
    it(
      "Cognito Lite gets cheaper by volume: $0.0046 per MAU above 100k, $0.00325 above 1M, $0.0025 above " +
        "10M; Essentials and Plus do not",
      () => {
        close(cognitoMauCost(100_001, "LITE"), 495 + 0.0046, "one into the second band");
        close(cognitoMauCost(1_000_000, "LITE"), 495 + 900_000 * 0.0046, "1M: 4,635");
        close(
          cognitoMauCost(10_000_001, "LITE"),
          495 + 900_000 * 0.0046 + 9_000_000 * 0.00325 + 0.0025,
          "one past 10M",
        );
        close(cognitoMauCost(1_000_000, "ESSENTIALS"), 990_000 * 0.015, "Essentials is flat");
      },
    );
    it("data transfer: the first 100 GB are free", () => {
      // 100 GiB / 2048 B per response = 52,428,800 responses
      close(monthlyCost("http-jwt", scenario({ requestsPerMonth: 52_428_800 })).dataTransfer, 0, "exactly 100 GB");
      // 200 GiB: 100 GB billed x $0.09
      close(monthlyCost("http-jwt", scenario({ requestsPerMonth: 104_857_600 })).dataTransfer, 9, "100 GB over");
    });
  });

  describe("tier boundaries", () => {
    it("REST API: 333M requests at $3.50/M, the next at $2.80/M", () => {
      close(monthlyCost("cognito", scenario({ requestsPerMonth: 333_000_000 })).gateway, 1165.5, "333M"); // 333 x 3.5
      // 1165.5 + 1 x 2.8
      close(monthlyCost("cognito", scenario({ requestsPerMonth: 334_000_000 })).gateway, 1168.3, "334M");
    });
    it("HTTP API: 300M requests at $1.00/M, the next at $0.90/M", () => {
      close(monthlyCost("http-jwt", scenario({ requestsPerMonth: 300_000_000 })).gateway, 300, "300M");
      close(monthlyCost("http-jwt", scenario({ requestsPerMonth: 301_000_000 })).gateway, 300.9, "301M");
    });
    it("HTTP API meters a 600 KB response as two requests", () => {
      close(
        monthlyCost("http-jwt", scenario({ requestsPerMonth: 1_000_000, avgResponseBytes: 600 * 1024 })).gateway,
        2,
        "two units each",
      );
    });
  });

  describe("several doors over one backend (stackCost)", () => {
    const half = (door: "cognito" | "iam" | "http-jwt" | "alb-oidc" | "api-key") => ({
      door,
      share: 0.5,
      meters: NO_METERS,
    });
    it("given two REST doors sharing 400M requests, then the gateway tiers count the 400M together", () => {
      const s = scenario({ requestsPerMonth: 400_000_000 });
      // 333M x $3.50 + 67M x $2.80 = $1,165.50 + $187.60: the second tier is reached only on the combined requests
      const both = stackCost([half("cognito"), half("iam")], s, NO_METERS);
      close(both.gateway, 1165.5 + 187.6, "combined");
      close(both.gateway, monthlyCost("cognito", s).gateway, "as one door with every request");
    });
    it("given a REST and an HTTP door, then each gateway prices its own share", () => {
      const s = scenario({ requestsPerMonth: 10_000_000 });
      // 5M x $3.50 + 5M x $1.00
      close(stackCost([half("cognito"), half("http-jwt")], s, NO_METERS).gateway, 17.5 + 5, "REST + HTTP");
    });
    it("given users at both doors, then their MAU are billed once, and Lambda's free tier is used once", () => {
      const s = scenario({ mau: 20_000, requestsPerMonth: 2_000_000 });
      const both = stackCost([half("cognito"), half("http-jwt")], s, NO_METERS);
      close(both.cognito, 10_000 * 0.0055, "10,000 MAU over the free 10,000, once");
      close(both.lambda, monthlyCost("cognito", s).lambda, "2M invocations less the free 1M, once");
      close(both.dynamodb, monthlyCost("cognito", s).dynamodb, "every request reads or writes once");
    });
    it("given an ALB door beside a REST door, then the ALB's hours and addresses are paid in full", () => {
      const both = stackCost([half("cognito"), half("alb-oidc")], scenario({}), NO_METERS);
      close(both.total, 16.425 + 7.3, "at zero traffic: the ALB's fixed charges only");
    });
    it("given an api-key door beside a user door, then the user door's MAU are billed", () => {
      const s = scenario({ mau: 10_001 });
      close(stackCost([half("api-key"), half("cognito")], s, NO_METERS).cognito, 0.0055, "one MAU over");
      close(stackCost([{ ...half("api-key"), share: 1 }], s, NO_METERS).cognito, 0, "keys alone: no MAU");
    });
  });

  describe("the default scenarios, by hand", () => {
    it("1k MAU / 100k requests", () => {
      const s = DEFAULT_SCENARIOS[0];
      // REST: 0.1M x $3.50 = $0.35; DynamoDB: 80k reads x $0.125/M + 20k writes x $0.625/M = $0.01 + $0.0125
      close(monthlyCost("cognito", s).total, 0.35 + 0.01 + 0.0125, "cognito");
      // HTTP: 0.1M x $1.00 = $0.10, same DynamoDB
      close(monthlyCost("http-jwt", s).total, 0.1 + 0.0225, "http-jwt");
    });
    it("100k MAU / 10M requests", () => {
      const s = DEFAULT_SCENARIOS[1];
      // Lambda: 9M x $0.20/M = $1.80; GB-s: 10M x 0.02 s x 0.25 GB = 50,000 (free)
      // DynamoDB: 8M x 0.125 + 2M x 0.625 = $1 + $1.25; Cognito Lite: 90,000 x 0.0055 = $495
      // egress: 10M x 2 KiB = 19.07 GiB (free)
      close(monthlyCost("cognito", s).total, 35 + 495 + 1.8 + 2.25, "cognito");
      // http-jwt adds 10,000 M2M tokens: 10 x $2.25
      close(monthlyCost("http-jwt", s).total, 10 + 495 + 22.5 + 1.8 + 2.25, "http-jwt");
      close(monthlyCost("api-key", s).total, 35 + 1.8 + 2.25, "api-key");
    });
  });

  describe("scenario flags", () => {
    it("reads one or more --scenario flags, with defaults for the optional fields", () => {
      const [a, b] = parseScenarioFlags([
        "--scenario",
        "name=startup,mau=1000,requests=100000",
        "--scenario",
        "mau=5,requests=7,readShare=0.5,m2m=3",
      ]);
      assert.deepEqual(
        { name: a.name, mau: a.mau, req: a.requestsPerMonth, bytes: a.avgResponseBytes },
        { name: "startup", mau: 1000, req: 100000, bytes: 2048 },
      );
      assert.deepEqual(
        { name: b.name, share: b.readShare, m2m: b.m2mTokenRequestsPerMonth },
        { name: "5 MAU / 7 requests", share: 0.5, m2m: 3 },
      );
      assert.equal(a.cognitoPlan, DEFAULT_COGNITO_PLAN);
      assert.equal(parseScenarioFlags(["--scenario", "mau=5,requests=7,plan=PLUS"])[0].cognitoPlan, "PLUS");
    });
    const bad: [string, string, RegExp][] = [
      ["an unknown field", "mau=1,requests=1,users=5", /users: unknown field \(allowed: name, plan, mau, requests/],
      ["a non-number", "mau=lots,requests=1", /mau: "lots" is not a number/],
      ["a negative count", "mau=-1,requests=1", /mau: -1 is outside 0\.\./],
      ["a read share over 1", "mau=1,requests=1,readShare=1.5", /readShare: 1\.5 is outside 0\.\.1/],
      ["a fractional MAU", "mau=1.5,requests=1", /mau: 1\.5 must be a whole number/],
      ["a missing request count", "mau=1", /requests: is required/],
      ["a part without =", "mau=1,requests", /"requests" is not key=value/],
      [
        "a plan Cognito does not have",
        "mau=1,requests=1,plan=GOLD",
        /plan: "GOLD" is not a Cognito plan \(LITE, ESSENTIALS, PLUS\)/,
      ],
    ];
    for (const [what, spec, message] of bad) {
      it(`rejects ${what}, naming the field`, () => {
        assert.throws(
          () => parseScenarioFlags(["--scenario", spec]),
          (err: unknown) => err instanceof ScenarioError && message.test(err.message),
        );
      });
    }
  });
});
