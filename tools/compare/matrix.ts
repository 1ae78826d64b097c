import { AuthMode } from "../../components/config";
import { RecordedResource } from "../offline/mocks";
import { StackRun } from "../offline/runStack";
import { DoorRuns } from "./runs";

/** One cell: what the door does, and the recorded resource that shows it (or "not built"). */
export interface Cell {
  text: string;
  /** `type name` of the resource behind the claim, "handler" (handler code), "AWS behaviour", or "not built". */
  evidence: string;
}

export const CAPABILITIES = [
  "Users and machines",
  "Per-route authorization",
  "Identity provider",
  "Throttling and quotas per client",
  "Revocation and token lifetime",
  "Browser or API",
  "CORS",
  "WAF",
  "Custom domain",
] as const;
export type Capability = (typeof CAPABILITIES)[number];
export type Matrix = Record<Capability, Record<AuthMode, Cell>>;

const find = (run: StackRun | undefined, type: string, pred: (r: RecordedResource) => boolean = () => true) =>
  run?.resources.find((r) => r.type === type && pred(r));
const ev = (r: RecordedResource | undefined) => (r ? `${r.type.split(":").pop()} ${r.name}` : "not built");

/** A claim holds only if its resource was recorded; otherwise the cell says "not built". */
function backed(r: RecordedResource | undefined, text: string): Cell {
  return r ? { text, evidence: ev(r) } : { text: "not built", evidence: "not built" };
}

function minutes(client: RecordedResource | undefined, field: "idTokenValidity" | "accessTokenValidity"): string {
  const v = client?.inputs[field];
  return v === undefined ? "the Cognito default" : `${v} min`;
}

/** The capability matrix, each claim checked against the recorded resources of the runs. */
export function capabilityMatrix(runs: DoorRuns): Matrix {
  const b = runs.base;
  const v = runs.variant;
  const spa = (run: StackRun) => find(run, "aws:cognito/userPoolClient:UserPoolClient", (r) => r.name === "users-spa");
  const waf = (mode: AuthMode): Cell => backed(find(v[`waf:${mode}`], "aws:wafv2/webAclAssociation:WebAclAssociation"), "web ACL associated (`wafAclArn`)");
  const restCors = (run: StackRun): Cell => backed(find(run, "aws:apigateway/method:Method", (r) => r.inputs.httpMethod === "OPTIONS"), "OPTIONS preflight + CORS on 4xx/5xx, listed origins only");
  const stageThrottle = (run: StackRun): Cell => backed(find(run, "aws:apigateway/methodSettings:MethodSettings"), "stage-wide only (all callers share it)");

  return {
    "Users and machines": {
      iam: backed(find(v.iamMachines, "aws:iam/role:Role", (r) => r.name.endsWith("machine-role")), "users (identity pool) and machines (IAM roles)"),
      cognito: backed(find(b.cognito, "aws:apigateway/authorizer:Authorizer"), "users only (ID tokens come from sign-in)"),
      "http-jwt": backed(find(v.jwtMachines, "aws:cognito/userPoolClient:UserPoolClient", (r) => (r.inputs.allowedOauthFlows ?? []).includes("client_credentials")), "users and machines (client credentials)"),
      "api-key": backed(find(v.apiKeyUsers, "aws:apigateway/authorizer:Authorizer"), "applications; users too with `apiKeyWithCognito`"),
      "alb-oidc": backed(find(b["alb-oidc"], "aws:lb/listener:Listener", (r) => r.inputs.protocol === "HTTPS"), "users in a browser only"),
    },
    "Per-route authorization": {
      iam: backed(find(b.iam, "aws:iam/rolePolicy:RolePolicy", (r) => r.name.endsWith("admin-access")), "IAM policy per route; admin role adds /admin/*"),
      cognito: { text: "gateway: any valid token; handler: admin group for /admin", evidence: "handler" },
      "http-jwt": backed(find(b["http-jwt"], "aws:apigatewayv2/route:Route", (r) => (r.inputs.authorizationScopes ?? []).includes("notes/admin")), "scopes per route at the gateway; admin group in the handler"),
      "api-key": { text: "handler: admin keys (`apiKeyAdminClients`)", evidence: "handler" },
      "alb-oidc": { text: "handler only (groups claim, if the IdP sends it)", evidence: "handler" },
    },
    "Identity provider": {
      iam: backed(find(b.iam, "aws:cognito/identityPool:IdentityPool"), "Cognito user pool via identity pool (other IdPs: not built)"),
      cognito: backed(find(b.cognito, "aws:cognito/userPool:UserPool"), "Cognito user pool only"),
      "http-jwt": backed(find(v.jwtExternal, "aws:apigatewayv2/authorizer:Authorizer", (r) => r.inputs.jwtConfiguration?.issuer === "https://login.example.com/"), "any OIDC issuer (`jwtIssuer`) or Cognito"),
      "api-key": { text: "none: keys are not identities", evidence: "not built" },
      "alb-oidc": backed(find(v.albExternal, "aws:lb/listener:Listener", (r) => JSON.stringify(r.inputs).includes("authenticate-oidc")), "any OIDC IdP (`oidc*`) or Cognito"),
    },
    "Throttling and quotas per client": {
      iam: stageThrottle(b.iam),
      cognito: stageThrottle(b.cognito),
      "http-jwt": backed(find(b["http-jwt"], "aws:apigatewayv2/stage:Stage", (r) => r.inputs.defaultRouteSettings?.throttlingRateLimit !== undefined), "route throttling for all callers; no quotas"),
      "api-key": backed(find(b["api-key"], "aws:apigateway/usagePlan:UsagePlan", (r) => !!r.inputs.quotaSettings && !!r.inputs.throttleSettings), "per key: throttle and quota (usage plan)"),
      "alb-oidc": { text: "none (WAF rate rules could add it)", evidence: "not built" },
    },
    "Revocation and token lifetime": {
      iam: { text: "credentials live up to 1 h after the identity pool issues them; disabling the user stops new ones", evidence: "AWS behaviour" },
      cognito: { text: `ID token valid until exp (${minutes(spa(b.cognito), "idTokenValidity")}); global sign-out does not stop it at the gateway`, evidence: ev(spa(b.cognito)) },
      "http-jwt": { text: `access token valid until exp (${minutes(spa(b["http-jwt"]), "accessTokenValidity")}); the JWT authorizer does not check revocation`, evidence: ev(spa(b["http-jwt"])) },
      "api-key": backed(find(b["api-key"], "aws:apigateway/apiKey:ApiKey"), "disable or delete the key: refused from then on"),
      "alb-oidc": backed(find(b["alb-oidc"], "aws:lb/listener:Listener", (r) => r.inputs.protocol === "HTTPS"),
        `session cookie valid for ${find(b["alb-oidc"], "aws:lb/listener:Listener", (r) => r.inputs.protocol === "HTTPS")?.inputs.defaultActions?.[0]?.authenticateCognito?.sessionTimeout ?? "?"} s (\`albSessionTimeout\`); no check with the IdP before`),
    },
    "Browser or API": {
      iam: { text: "API-friendly (SDK signs); browsers need the SDK", evidence: "AWS behaviour" },
      cognito: { text: "API-friendly; SPA with a token", evidence: "AWS behaviour" },
      "http-jwt": { text: "API-friendly; SPA with a token", evidence: "AWS behaviour" },
      "api-key": { text: "server-to-server (a key in a browser is public)", evidence: "AWS behaviour" },
      "alb-oidc": { text: "browser-only (redirects and cookies)", evidence: "AWS behaviour" },
    },
    CORS: {
      iam: restCors(b.iam),
      cognito: restCors(b.cognito),
      "http-jwt": backed(find(b["http-jwt"], "aws:apigatewayv2/api:Api", (r) => !!r.inputs.corsConfiguration), "API's CORS config, listed origins, no credentials"),
      "api-key": restCors(b["api-key"]),
      "alb-oidc": { text: "same-origin by design (cookie session)", evidence: "not built" },
    },
    WAF: {
      iam: waf("iam"),
      cognito: waf("cognito"),
      "http-jwt": { text: "not supported by HTTP APIs", evidence: "not built" },
      "api-key": waf("api-key"),
      "alb-oidc": waf("alb-oidc"),
    },
    "Custom domain": {
      iam: { text: "not built", evidence: "not built" },
      cognito: { text: "not built", evidence: "not built" },
      "http-jwt": { text: "not built", evidence: "not built" },
      "api-key": { text: "not built", evidence: "not built" },
      "alb-oidc": backed(find(b["alb-oidc"], "aws:lb/listener:Listener", (r) => !!r.inputs.certificateArn), "yours: point a name on the certificate at the ALB"),
    },
  };
}
