import * as assert from "assert";
import {
  FetchError,
  JwksValidationError,
  JwtExpiredError,
  JwtInvalidSignatureError,
  KidNotFoundInJwksError,
} from "aws-jwt-verify/error";
import { TokenRefused, faultLine, isVerificationFault } from "../../../handlers/authorizer/faults";
import { AUTHORIZER_FAULT } from "../../../handlers/contract/authorizerFault";
import { UNAUTHORIZED, createAuthorizer } from "../../../handlers/authorizer/index";
import type { AuthorizerSettings } from "../../../handlers/contract/authorizer";

const SETTINGS = {
  issuer: "https://issuer.example.com",
  audiences: ["spa"],
  tokenUse: "access",
  adminGroup: "admins",
  adminScope: "notes/admin",
  plans: [{ name: "free", key: "k" }],
} as unknown as AuthorizerSettings;
const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
const event = {
  headers: { Authorization: `Bearer ${TOKEN}` },
  methodArn: "arn:aws:execute-api:us-east-1:123456789012:api/v1/GET/notes",
} as any;

/** What the authorizer writes with console.error while it answers. */
async function errorLines(run: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => void lines.push(a.map(String).join(" "));
  try {
    await run();
  } finally {
    console.error = original;
  }
  return lines;
}

// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html: a thrown
// "Unauthorized" is API Gateway's 401, and Lambda counts it in Errors; only real faults may page someone.
describe("the authorizer's faults, apart from refused tokens", () => {
  it("given a bad, expired, foreign or unknown-key token, it is no fault", () => {
    for (const err of [
      new JwtExpiredError("expired", 1),
      new JwtInvalidSignatureError("bad signature"),
      new KidNotFoundInJwksError("no such kid"),
      new TokenRefused("issued to another client"),
    ]) {
      assert.equal(isVerificationFault(err), false, err.constructor.name);
    }
  });
  it("given keys that cannot be fetched (network, timeout, non-200) or are malformed, it is a fault", () => {
    for (const err of [
      new FetchError("https://issuer.example.com/jwks", "socket hang up"),
      new JwksValidationError("not a JWKS"),
      new TypeError("fetch failed"),
      new Error("key endpoint answered 503"),
    ]) {
      assert.equal(isVerificationFault(err), true, `${err.constructor.name}: ${err.message}`);
    }
  });
  it(
    "when the keys cannot be fetched, it answers 401 as before and logs one AUTHORIZER_FAULT line " +
      "without the token",
    async () => {
      const authorize = createAuthorizer(SETTINGS, async () => {
        throw new Error("key endpoint answered 503");
      });
      const lines = await errorLines(() => assert.rejects(authorize(event), new RegExp(`^Error: ${UNAUTHORIZED}$`)));
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.ok(lines[0].includes(AUTHORIZER_FAULT));
      assert.ok(!lines.some((l) => l.includes(TOKEN.split(".")[1])));
      assert.deepEqual(JSON.parse(lines[0]), JSON.parse(faultLine(new Error("key endpoint answered 503"))));
    },
  );
  it("when the token is expired, it answers 401 and logs no fault line (the alarm stays quiet)", async () => {
    const authorize = createAuthorizer(SETTINGS, async () => {
      throw new JwtExpiredError("Token expired", 1);
    });
    assert.deepEqual(
      await errorLines(() => assert.rejects(authorize(event), new RegExp(`^Error: ${UNAUTHORIZED}$`))),
      [],
    );
  });
});
