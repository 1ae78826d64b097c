import * as fs from "fs";
import * as path from "path";

/**
 * Where the handler specs get real-shaped events: the project's own fixtures (test/fixtures,
 * always), and AWS's published samples in ../shared/aws-events beside the checkout, when that
 * folder exists (a conformance suite; never copied into the repository). Each source says what
 * its samples must produce, so the same specs run on both.
 */
export interface EventSource {
  /** How spec titles name the source. */
  label: string;
  dir: string;
  samples: Samples;
}

export interface Samples {
  /** REST + user pools authorizer, an ID token: the caller's sub, client and issuer. */
  restIdToken: { file: string; sub: string; clientId: string; issuer: string };
  /** REST + user pools authorizer with groups: what the principal is, or that it has none. */
  restGroups: { file: string; clientId: string; expect: { id: string; admin: boolean } | "unauthorized" };
  /** REST + AWS_IAM, an assumed role session: the role's ARN, which is the machine's identity. */
  restIamRole: { file: string; roleArn: string };
  /** REST with an API key: the key's id. */
  restApiKey: { file: string; keyId: string };
  /** HTTP API + JWT authorizer carrying an ID token (refused), with the route's path and method. */
  httpIdToken: { file: string; clientId: string; path: string; method: string };
  /** HTTP API + IAM authorizer (no door of ours sends it). */
  httpIam: { file: string };
  /** ALB target events: one header and one query parameter each must read back. */
  albSingle: { file: string; header: [string, string]; query: [string, string] };
  albMulti: { file: string; header: [string, string]; query: [string, string] };
  albHealthCheck: { file: string };
  /** A real ALB identity header of another load balancer, long expired (published source only). */
  albForeignToken?: { file: string };
  /** API Gateway events after mutual TLS, with the client certificate (published source only). */
  withClientCert?: string[];
}

export const OWN_FIXTURES = path.join(__dirname, "..", "fixtures");
export const PUBLISHED_SAMPLES = path.join(__dirname, "..", "..", "..", "shared", "aws-events");

const OWN: EventSource = {
  label: "own fixtures",
  dir: OWN_FIXTURES,
  samples: {
    restIdToken: {
      file: "rest-cognito-authorizer.json",
      sub: "11111111-1111-4111-8111-111111111111",
      clientId: "spaclient0000000000000000",
      issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Notes1234",
    },
    // "editors,admins" in the claims: two groups or one named so (names may hold commas), resolved only by
    // the Authorization token verified with the pool's keys; this one is signed by no key of ours (and has
    // expired), so it is never verified (no key is fetched): no admin.
    restGroups: {
      file: "rest-cognito-authorizer-groups.json",
      clientId: "spaclient0000000000000000",
      expect: { id: "33333333-3333-4333-8333-333333333333", admin: false },
    },
    restIamRole: { file: "rest-iam-role.json", roleArn: "arn:aws:iam::123456789012:role/notes-machine-role" },
    restApiKey: { file: "rest-api-key.json", keyId: "ab12cd34ef" },
    httpIdToken: {
      file: "http-jwt-id-token.json",
      clientId: "spaclient0000000000000000",
      path: "/notes",
      method: "POST",
    },
    httpIam: { file: "http-iam.json" },
    albSingle: {
      file: "alb-single-value.json",
      header: ["user-agent", "notes-auth-fixture/1.0"],
      query: ["limit", "10"],
    },
    albMulti: {
      file: "alb-multi-value.json",
      header: ["user-agent", "notes-auth-fixture/1.0"],
      query: ["tag", "work items"],
    },
    albHealthCheck: { file: "alb-health-check.json" },
  },
};

/** What AWS's published samples hold (see ../shared/aws-events/SOURCES.md for each one's origin). */
const PUBLISHED: EventSource = {
  label: "published AWS samples",
  dir: PUBLISHED_SAMPLES,
  samples: {
    restIdToken: {
      file: "apigw-rest-cognito-authorizer.json",
      sub: "d2f50444-0041-7036-aea2-a955fca33d37",
      clientId: "3nkoep4151b7umeggnottc30u9",
      issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_y0bLG4i27",
    },
    restGroups: {
      file: "apigw-rest-cognito-authorizer-groups.json",
      clientId: "3mushfc8sgm8uoacvif5vhkt49",
      expect: "unauthorized",
    },
    restIamRole: { file: "apigw-rest-iam-sigv4-role.json", roleArn: "arn:aws:iam::123456789012:role/Admin" },
    restApiKey: { file: "apigw-rest-apikey.json", keyId: "test-invoke-api-key-id" },
    httpIdToken: {
      file: "apigw-http-jwt.json",
      clientId: "3nkoep4151b7umeggnottc30u9",
      path: "/cognito",
      method: "POST",
    },
    httpIam: { file: "apigw-http-iam-cognito-identity.json" },
    albSingle: { file: "alb-single-value-headers.json", header: ["x-myheader", "123"], query: ["key", "hello"] },
    albMulti: { file: "alb-multi-value-headers.json", header: ["x-myheader", "123"], query: ["key", "hello"] },
    albHealthCheck: { file: "alb-healthcheck.json" },
    albForeignToken: { file: "alb-oidc.json" },
    withClientCert: [
      "apigw-rest-all-identity-fields-placeholder.json",
      "apigw-http-jwt-scopes-placeholder.json",
      "apigw-http-iam-cognito-identity.json",
    ],
  },
};

let announced = false;

/** The sources present: own fixtures always; the published samples when the folder is beside the checkout. */
export function eventSources(): EventSource[] {
  if (fs.existsSync(PUBLISHED_SAMPLES)) return [OWN, PUBLISHED];
  if (!announced) {
    announced = true;
    console.log(
      `  (conformance specs on AWS's published event samples not run: ` +
        `${path.relative(process.cwd(), PUBLISHED_SAMPLES)} is not beside the checkout; optional)`,
    );
  }
  return [OWN];
}

/** A fresh copy of a sample's JSON. */
export function load(source: EventSource, file: string): any {
  return JSON.parse(fs.readFileSync(path.join(source.dir, file), "utf8"));
}

/** One of the project's own fixtures. */
export const ownFixture = (file: string): any => load(OWN, file);
