import * as aws from "@pulumi/aws";
import {
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import { albRedirectUris } from "../awsRules/alb";
import { headersNotAllowed, preflightRequestHeaders } from "../awsRules/cors";
import { IAM_QUOTAS, policyChars, trustedAwsPrincipals } from "../awsRules/iamQuotas";
import { RoleAttachment, resolveRole } from "../awsRules/identityPool";
import { sigv4BrowserRequestHeaders } from "../awsRules/sigv4";
import { cognitoRefusesPrefix } from "../awsRules/userPool";
import { REVOKED_SESSION_KEYS } from "../handlers/contract/table";

/**
 * Each policy is one rule: an item of the team's security checklist that resource inputs show
 * (ids in brackets: AWS Security Hub SH, Checkov CKV, cfn-nag CN), or an AWS behaviour that once
 * broke a deployment (the AWS documentation page is cited). Resource policies read a resource's
 * inputs; stack policies read the whole graph (outputs and dependencies), as a preview has them.
 */

type Statement = {
  Effect?: string;
  Action?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const statements = (doc: unknown): Statement[] => {
  const parsed = typeof doc === "string" ? JSON.parse(doc) : doc;
  return asList((parsed as { Statement?: Statement | Statement[] } | undefined)?.Statement);
};

// --- the backend -------------------------------------------------------------------------------

const dynamodb: ResourceValidationPolicy = {
  name: "dynamodb-pitr-encryption-on-demand",
  description:
    "The table has point-in-time recovery [SH DynamoDB.2], server-side encryption and on-demand billing [SH " +
    "DynamoDB.1].",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (t, _args, report) => {
    if (!t.pointInTimeRecovery?.enabled) report("point-in-time recovery is off");
    if (!t.serverSideEncryption?.enabled) report("server-side encryption is not enabled");
    if (t.billingMode !== "PAY_PER_REQUEST") report(`billing mode is ${t.billingMode}, not PAY_PER_REQUEST`);
  }),
};

const tableProtected: ResourceValidationPolicy = {
  name: "dynamodb-deletion-protected",
  description:
    "A protected table (protectData) also has DynamoDB deletion protection, so no API call or console click " +
    "deletes it [SH DynamoDB.6].",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (t, args, report) => {
    if (args.opts.protect && t.deletionProtectionEnabled !== true)
      report("a protected table without deletion protection");
  }),
};

const tableTtl: ResourceValidationPolicy = {
  name: "dynamodb-ttl-enabled",
  description:
    "A table that declares a time to live has it on, on a named attribute, and the revoked sign-in sessions table " +
    "(revocation; hash key sessionId) has it on, on its `ttl` attribute: it holds one record per sign-out, which " +
    "only DynamoDB's TTL deletes (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html).",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (t, _args, report) => {
    if (t.hashKey === REVOKED_SESSION_KEYS.partition) {
      if (t.ttl?.enabled !== true || t.ttl.attributeName !== REVOKED_SESSION_KEYS.ttl)
        report(
          `the revoked sessions table without a time to live on "${REVOKED_SESSION_KEYS.ttl}": ` +
            "its records never expire",
        );
    } else if (t.ttl !== undefined && (t.ttl.enabled !== true || !t.ttl.attributeName))
      report("a time to live that is off or names no attribute: its records never expire");
  }),
};

const bucketEncrypted: ResourceValidationPolicy = {
  name: "s3-encryption",
  description: "The bucket's default encryption names an algorithm (SSE-S3 or SSE-KMS), and every bucket has one.",
  validateResource: validateResourceOfType(aws.s3.BucketServerSideEncryptionConfiguration, (c, _args, report) => {
    const algorithms = asList(c.rules).map((r) => r.applyServerSideEncryptionByDefault?.sseAlgorithm);
    if (algorithms.length === 0 || !algorithms.every((a) => a === "AES256" || a === "aws:kms" || a === "aws:kms:dsse"))
      report(`default encryption is ${algorithms.join(", ") || "missing"}`);
  }),
};

const logRetention: ResourceValidationPolicy = {
  name: "logs-retention",
  description:
    "Every log group we make keeps its logs for a set number of days, never forever (the checklist: explicit " +
    "log groups with retention).",
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (g, _args, report) => {
    if (!g.retentionInDays || g.retentionInDays <= 0) report("no retention: logs are kept forever");
  }),
};

const publicAccess: ResourceValidationPolicy = {
  name: "s3-public-access-blocked",
  description: "All four S3 public-access blocks are on [SH S3.8, CKV_AWS_53-56].",
  validateResource: validateResourceOfType(aws.s3.BucketPublicAccessBlock, (b, _args, report) => {
    for (const k of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const)
      if (b[k] !== true) report(`${k} is not true`);
  }),
};

const tlsOnly: ResourceValidationPolicy = {
  name: "s3-tls-only",
  description:
    "A bucket policy denies requests without TLS (aws:SecureTransport false) on the bucket and its objects [SH S3.5].",
  validateResource: validateResourceOfType(aws.s3.BucketPolicy, (p, _args, report) => {
    const deny = statements(p.policy).find(
      (s) => s.Effect === "Deny" && String(s.Condition?.Bool?.["aws:SecureTransport"]) === "false",
    );
    const resources = asList(deny?.Resource as string | string[] | undefined).map(String);
    if (!deny || !resources.some((r) => !r.endsWith("/*")) || !resources.some((r) => r.endsWith("/*")))
      report("no deny of non-TLS requests covering both the bucket and bucket/*");
  }),
};

const ownership: ResourceValidationPolicy = {
  name: "s3-acls-disabled",
  description: "Object ownership is BucketOwnerEnforced, so ACLs are off [SH S3.12].",
  validateResource: validateResourceOfType(aws.s3.BucketOwnershipControls, (o, _args, report) => {
    if (o.rule?.objectOwnership !== "BucketOwnerEnforced") report(`object ownership is ${o.rule?.objectOwnership}`);
  }),
};

const versioning: ResourceValidationPolicy = {
  name: "s3-versioning",
  description: "Bucket versioning is enabled [SH S3.14].",
  validateResource: validateResourceOfType(aws.s3.BucketVersioning, (v, _args, report) => {
    if (v.versioningConfiguration?.status !== "Enabled") report("versioning is not enabled");
  }),
};

const destroyable: ResourceValidationPolicy = {
  name: "s3-unprotected-bucket-destroyable",
  description:
    "An unprotected bucket sets forceDestroy: S3 refuses to delete a bucket that holds any object, version or delete marker, so `pulumi destroy` would fail (https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-bucket.html).",
  validateResource: validateResourceOfType(aws.s3.Bucket, (b, args, report) => {
    if (!args.opts.protect && b.forceDestroy !== true)
      report("unprotected bucket without forceDestroy: destroy fails with BucketNotEmpty once it holds an object");
  }),
};

const lambdaRuntime: ResourceValidationPolicy = {
  name: "lambda-supported-runtime",
  description: "Functions run a supported Node.js runtime (nodejs22.x or later) [SH Lambda.2].",
  validateResource: validateResourceOfType(aws.lambda.Function, (f, _args, report) => {
    const m = /^nodejs(\d+)\.x$/.exec(String(f.runtime));
    if (!m || Number(m[1]) < 22) report(`runtime ${f.runtime} is not nodejs22.x or later`);
    if (f.reservedConcurrentExecutions === 0)
      report(
        "reserved concurrency 0 throttles every invocation (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html)",
      );
  }),
};

const permissionScoped: ResourceValidationPolicy = {
  name: "lambda-permission-scoped",
  description:
    "Every Lambda permission names its source ARN (this API or target group), never a wildcard account [SH " +
    "Lambda.1, CKV_AWS_364].",
  validateResource: validateResourceOfType(aws.lambda.Permission, (p, _args, report) => {
    if (!p.sourceArn || p.sourceArn === "*" || /:\*:/.test(String(p.sourceArn)))
      report(`source ARN ${p.sourceArn ?? "(none)"} is not scoped`);
  }),
};

const noFunctionUrl: ResourceValidationPolicy = {
  name: "lambda-no-function-url",
  description: "The function has no public URL: every request comes through the door [SH Lambda.1].",
  validateResource: validateResourceOfType(aws.lambda.FunctionUrl, (_u, _args, report) =>
    report("a function URL bypasses the front door"),
  ),
};

const noWildcards: ResourceValidationPolicy = {
  name: "iam-no-wildcards",
  description: "No Allow statement we write grants a * action or a bare * resource [CKV_AWS_63, CKV_AWS_355].",
  validateResource: (args, report) => {
    const doc =
      args.type === "aws:iam/role:Role"
        ? undefined
        : args.type === "aws:iam/rolePolicy:RolePolicy" || args.type === "aws:iam/policy:Policy"
          ? args.props.policy
          : undefined;
    if (doc === undefined) return;
    for (const s of statements(doc).filter((s) => s.Effect === "Allow")) {
      for (const a of asList(s.Action)) if (a === "*" || a.endsWith(":*")) report(`action ${a}`);
      for (const r of asList(s.Resource as string | string[])) if (r === "*") report("resource *");
    }
  },
};

// --- the doors ---------------------------------------------------------------------------------

const restMethods: ResourceValidationPolicy = {
  name: "rest-methods-authorized",
  description:
    "Every REST method but the CORS preflight has the door's authorization (or an API key); OPTIONS is the only " +
    "method without [CN W59].",
  validateResource: validateResourceOfType(aws.apigateway.Method, (m, _args, report) => {
    if (m.httpMethod === "OPTIONS") return;
    if (m.authorization === "NONE" && m.apiKeyRequired !== true)
      report(`${m.httpMethod} is open: no authorization and no API key`);
  }),
};

const restStageLogs: ResourceValidationPolicy = {
  name: "rest-stage-logging",
  description:
    "A REST stage writes access logs to a log group [CKV_AWS_76]; its method settings log errors [SH " +
    "APIGateway.1], keep data trace off [CKV_AWS_276] and throttle.",
  validateResource: [
    validateResourceOfType(aws.apigateway.Stage, (s, _args, report) => {
      if (!s.accessLogSettings?.destinationArn) report("no access logs");
    }),
    validateResourceOfType(aws.apigateway.MethodSettings, (m, _args, report) => {
      if (!["ERROR", "INFO"].includes(String(m.settings?.loggingLevel)))
        report(`execution logging is ${m.settings?.loggingLevel ?? "off"}`);
      if (m.settings?.dataTraceEnabled !== false) report("data trace is not off");
      if (m.settings?.throttlingRateLimit === undefined || m.settings?.throttlingBurstLimit === undefined)
        report("the stage is not throttled");
    }),
  ],
};

const usagePlan: ResourceValidationPolicy = {
  name: "usage-plan-limits",
  description:
    "A usage plan throttles and caps each key, on named stages (the Stage resource, so a redeploy keeps it).",
  validateResource: validateResourceOfType(aws.apigateway.UsagePlan, (p, _args, report) => {
    if (!p.throttleSettings?.rateLimit || !p.throttleSettings?.burstLimit) report("no throttle");
    if (!p.quotaSettings?.limit || !p.quotaSettings?.period) report("no quota");
    if (!p.apiStages || p.apiStages.length === 0) report("covers no stage");
  }),
};

const httpScopes: ResourceValidationPolicy = {
  name: "http-jwt-routes-scoped",
  description:
    "Every JWT route requires scopes: the JWT authorizer cannot tell ID from access tokens otherwise (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).",
  validateResource: validateResourceOfType(aws.apigatewayv2.Route, (r, _args, report) => {
    if (r.authorizationType === "NONE" || r.authorizationType === undefined)
      report(`${r.routeKey} has no authorization`);
    if (r.authorizationType === "JWT" && !(r.authorizationScopes && r.authorizationScopes.length > 0))
      report(`${r.routeKey} has no scopes`);
  }),
};

const jwtAudiences: ResourceValidationPolicy = {
  name: "http-jwt-audiences",
  description:
    "A JWT authorizer names its issuer and its audiences (our app clients, or the API's audience), never a wildcard: API Gateway accepts any token of the issuer whose aud or client_id is listed (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).",
  validateResource: validateResourceOfType(aws.apigatewayv2.Authorizer, (a, _args, report) => {
    if (a.authorizerType !== "JWT") return;
    const audiences = asList(a.jwtConfiguration?.audiences);
    if (!a.jwtConfiguration?.issuer) report("no issuer");
    if (audiences.length === 0) report("no audiences");
    if (audiences.some((x) => String(x).includes("*"))) report("a wildcard audience");
  }),
};

const httpCors: ResourceValidationPolicy = {
  name: "http-cors-explicit",
  description: "An HTTP API's CORS names its origins, never * with credentials.",
  validateResource: validateResourceOfType(aws.apigatewayv2.Api, (a, _args, report) => {
    const cors = a.corsConfiguration;
    if (cors?.allowOrigins?.includes("*") && cors.allowCredentials) report("* origin with credentials");
  }),
};

const albListeners: ResourceValidationPolicy = {
  name: "alb-https-only",
  description:
    "ALB listeners are HTTPS with a TLS 1.3 policy [SH ELB.17, ELB.18]; an HTTP listener only redirects [SH " +
    "ELB.1]; authentication never lets unauthenticated requests through.",
  validateResource: validateResourceOfType(aws.lb.Listener, (l, _args, report) => {
    const actions = asList(l.defaultActions);
    if (l.protocol === "HTTP") {
      if (!actions.every((a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS"))
        report("an HTTP listener that does more than redirect to HTTPS");
      return;
    }
    if (l.protocol !== "HTTPS") report(`protocol ${l.protocol}`);
    if (!/^ELBSecurityPolicy-TLS13-/.test(String(l.sslPolicy)))
      report(`TLS policy ${l.sslPolicy} is not a TLS 1.3 policy`);
    for (const a of actions) {
      const auth = a.authenticateCognito ?? a.authenticateOidc;
      if (auth && auth.onUnauthenticatedRequest === "allow")
        report("onUnauthenticatedRequest allow forwards anonymous requests");
    }
  }),
};

const albHardened: ResourceValidationPolicy = {
  name: "alb-hardened",
  description:
    "The load balancer drops invalid header fields [SH ELB.4] and mitigates desync defensively or strictly [SH " +
    "ELB.12].",
  validateResource: validateResourceOfType(aws.lb.LoadBalancer, (lb, _args, report) => {
    if (lb.loadBalancerType !== "application") return;
    if (lb.dropInvalidHeaderFields !== true) report("invalid header fields are not dropped");
    if (!["defensive", "strictest"].includes(String(lb.desyncMitigationMode ?? "defensive")))
      report(`desync mitigation ${lb.desyncMitigationMode}`);
  }),
};

const identityPool: ResourceValidationPolicy = {
  name: "identity-pool-locked-down",
  description:
    "No unauthenticated identities [SH Cognito.2], the classic flow off (a client could pick any trusting role), server-side token check on (https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html).",
  validateResource: validateResourceOfType(aws.cognito.IdentityPool, (p, _args, report) => {
    if (p.allowUnauthenticatedIdentities) report("unauthenticated identities are allowed");
    if (p.allowClassicFlow) report("the classic (basic) flow is on");
    for (const provider of asList(p.cognitoIdentityProviders))
      if (!provider.serverSideTokenCheck) report(`no server-side token check for ${provider.providerName}`);
  }),
};

const usersGetARole: ResourceValidationPolicy = {
  name: "identity-pool-users-get-credentials",
  description:
    "With role-from-token mapping, a user whose token carries no role gets the default authenticated role; with Deny, every user outside a group is refused credentials (https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html).",
  validateResource: validateResourceOfType(aws.cognito.IdentityPoolRoleAttachment, (a, _args, report) => {
    const attachment = a as unknown as RoleAttachment;
    for (const mapping of asList(attachment.roleMappings)) {
      const outcome = resolveRole(attachment, mapping.identityProvider, {});
      if ("refused" in outcome)
        report(`a user in no group of ${mapping.identityProvider} gets no credentials: ${outcome.refused}`);
    }
  }),
};

const identityPoolRoleTrust: ResourceValidationPolicy = {
  name: "identity-pool-role-trust",
  description:
    "A role the identity pool hands out trusts cognito-identity.amazonaws.com with sts:AssumeRoleWithWebIdentity only for this pool's identities (cognito-identity.amazonaws.com:aud) that signed in (amr authenticated) (https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html).",
  validateResource: validateResourceOfType(aws.iam.Role, (r, _args, report) => {
    if (typeof r.assumeRolePolicy !== "string") return;
    for (const st of statements(r.assumeRolePolicy).filter(
      (x) =>
        x.Effect === "Allow" &&
        asList((x.Principal as { Federated?: string | string[] } | undefined)?.Federated).includes(
          "cognito-identity.amazonaws.com",
        ),
    )) {
      if (!asList(st.Action).every((a) => a === "sts:AssumeRoleWithWebIdentity"))
        report(`actions ${asList(st.Action).join(", ")}, not only sts:AssumeRoleWithWebIdentity`);
      if (!st.Condition?.StringEquals?.["cognito-identity.amazonaws.com:aud"])
        report("no cognito-identity.amazonaws.com:aud condition: any identity pool's identities could assume it");
      if (st.Condition?.["ForAnyValue:StringLike"]?.["cognito-identity.amazonaws.com:amr"] !== "authenticated")
        report("no amr authenticated condition: unauthenticated identities could assume it");
    }
  }),
};

const outsidersNeedProof: ResourceValidationPolicy = {
  name: "iam-outside-principals-conditioned",
  description:
    "A role that trusts principals of other accounts demands an external id (sts:ExternalId) or membership of the organization (aws:PrincipalOrgID): a listed ARN alone is a confused-deputy risk (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).",
  validateResource: validateResourceOfType(aws.iam.Role, (r, _args, report) => {
    if (typeof r.assumeRolePolicy !== "string") return;
    for (const st of statements(r.assumeRolePolicy).filter(
      (x) => x.Effect === "Allow" && (x.Principal as { AWS?: unknown } | undefined)?.AWS !== undefined,
    )) {
      const conditions = Object.values(st.Condition ?? {}).flatMap((c) => Object.keys(c));
      if (!conditions.includes("sts:ExternalId") && !conditions.includes("aws:PrincipalOrgID"))
        report(
          `trusts ${asList((st.Principal as { AWS: string | string[] }).AWS).join(", ")} without sts:ExternalId ` +
            `or aws:PrincipalOrgID`,
        );
    }
  }),
};

const machineRoleOnePrincipal: ResourceValidationPolicy = {
  name: "iam-machine-role-one-principal",
  description:
    "A role that AWS principals may assume trusts exactly one of them, so each machine is its own principal (the handler keys a machine on its role, iam:<role ARN>: machines sharing a role share their notes), and its trust policy fits IAM's default 2,048 characters (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).",
  validateResource: validateResourceOfType(aws.iam.Role, (r, _args, report) => {
    if (typeof r.assumeRolePolicy !== "string") return;
    const principals = trustedAwsPrincipals(r.assumeRolePolicy);
    if (principals.length > 1)
      report(`trusts ${principals.length} AWS principals (${principals.join(", ")}): each would be the same machine`);
    const chars = policyChars(r.assumeRolePolicy);
    if (chars > IAM_QUOTAS.trustPolicyChars)
      report(`its trust policy is ${chars} characters, above IAM's default quota of ${IAM_QUOTAS.trustPolicyChars}`);
  }),
};

/** arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<VERB>/<path>: the api id and stage spelled out. */
const EXECUTE_API_ROUTE = /^arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9-]+\/[A-Za-z0-9_-]+\/[A-Z]+\/.*$/;

const executeApiScoped: ResourceValidationPolicy = {
  name: "iam-execute-api-scoped",
  description:
    "execute-api:Invoke is granted on this API's stage, verb and path (arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<VERB>/<path>), never on every API or stage (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html).",
  validateResource: validateResourceOfType(aws.iam.RolePolicy, (p, _args, report) => {
    if (typeof p.policy !== "string") return;
    for (const st of statements(p.policy).filter(
      (x) => x.Effect === "Allow" && asList(x.Action).includes("execute-api:Invoke"),
    )) {
      for (const r of asList(st.Resource as string | string[]))
        if (!EXECUTE_API_ROUTE.test(String(r))) report(`execute-api:Invoke on ${r}`);
    }
  }),
};

const domainPrefix: ResourceValidationPolicy = {
  name: "cognito-domain-prefix-accepted",
  description:
    "A Cognito domain prefix Cognito accepts: 1-63 lower-case letters, digits and hyphens, without aws, amazon or cognito (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain-prefix.html).",
  validateResource: validateResourceOfType(aws.cognito.UserPoolDomain, (d, _args, report) => {
    if (typeof d.domain === "string" && !d.domain.includes(".") && cognitoRefusesPrefix(d.domain))
      report(`Cognito refuses the prefix ${d.domain}`);
  }),
};

const redeployTrigger: ResourceValidationPolicy = {
  name: "rest-deployment-redeploys",
  description:
    "A REST deployment is a snapshot; it has a trigger so changes reach the stage (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-deploy-api.html). The program hashes every snapshotted input into it (asserted by the specs).",
  validateResource: validateResourceOfType(aws.apigateway.Deployment, (d, _args, report) => {
    if (!d.triggers || Object.keys(d.triggers).length === 0)
      report("no redeployment trigger: route or auth changes would never reach the stage");
  }),
};

// --- across resources ----------------------------------------------------------------------------

const dependsOn = (r: PolicyResource, target: PolicyResource) => r.dependencies.some((d) => d.urn === target.urn);

const stageAfterAccount: StackValidationPolicy = {
  name: "rest-logging-after-account-role",
  description:
    "When the stack sets API Gateway's account CloudWatch role, every logging stage and method setting is created after it: API Gateway refuses logging before the role is set (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html).",
  validateStack: (args, report) => {
    const accounts = args.resources.filter((r) => r.type === "aws:apigateway/account:Account");
    if (accounts.length === 0) return; // the account's role is set elsewhere (apiGatewayAccountRole false)
    for (const r of args.resources) {
      const logs =
        (r.type === "aws:apigateway/stage:Stage" && r.props.accessLogSettings) ||
        (r.type === "aws:apigateway/methodSettings:MethodSettings" &&
          r.props.settings?.loggingLevel &&
          r.props.settings.loggingLevel !== "OFF");
      if (logs && !accounts.some((a) => dependsOn(r, a)))
        report(`${r.name} logs but does not wait for the account's CloudWatch role`, r.urn);
    }
  },
};

const executionLogsRetained: StackValidationPolicy = {
  name: "rest-execution-logs-retained",
  description:
    "Every REST stage with execution logging has its execution-log group (API-Gateway-Execution-Logs_{rest-api-id}/{stage_name}) declared with retention, and waits for it: otherwise API Gateway creates the group itself, keeps its logs forever, and no destroy deletes it (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html).",
  validateStack: (args, report) => {
    const groups = args.resources.filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup");
    for (const settings of args.resources.filter((r) => r.type === "aws:apigateway/methodSettings:MethodSettings")) {
      const level = settings.props.settings?.loggingLevel;
      if (!level || level === "OFF") continue;
      const { restApi, stageName } = settings.props;
      if (typeof restApi !== "string" || typeof stageName !== "string") continue; // not known before the API exists
      const name = `API-Gateway-Execution-Logs_${restApi}/${stageName}`;
      const group = groups.find((g) => g.props.name === name);
      if (!group) {
        report(
          `${settings.name} turns on execution logging, but ${name} is not declared: API Gateway creates it ` +
            `without retention and leaves it behind`,
          settings.urn,
        );
        continue;
      }
      if (!(Number(group.props.retentionInDays) > 0))
        report(`${group.name} (${name}) has no retention: its logs are kept forever`, group.urn);
      const stage = args.resources.find(
        (r) =>
          r.type === "aws:apigateway/stage:Stage" && r.props.restApi === restApi && r.props.stageName === stageName,
      );
      for (const r of [settings, ...(stage ? [stage] : [])])
        if (!dependsOn(r, group))
          report(`${r.name} does not wait for ${group.name}: API Gateway may create ${name} itself first`, r.urn);
    }
  },
};

const userPoolAuthorizerOwnPool: StackValidationPolicy = {
  name: "cognito-authorizer-own-pool",
  description:
    "A COGNITO_USER_POOLS authorizer trusts only this stack's user pool: a token of any listed pool passes it (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html).",
  validateStack: (args, report) => {
    const pools = args.resources
      .filter((r) => r.type === "aws:cognito/userPool:UserPool")
      .map((r) => r.props.arn)
      .filter((a): a is string => typeof a === "string");
    for (const a of args.resources.filter(
      (r) => r.type === "aws:apigateway/authorizer:Authorizer" && r.props.type === "COGNITO_USER_POOLS",
    )) {
      const providers = asList<unknown>(a.props.providerArns);
      if (providers.length === 0) report(`${a.name} names no user pool`, a.urn);
      for (const arn of providers)
        if (typeof arn === "string" && pools.length > 0 && !pools.includes(arn))
          report(`${a.name} trusts ${arn}, not this stack's pool`, a.urn);
    }
  },
};

const usagePlanOwnStage: StackValidationPolicy = {
  name: "usage-plan-own-stage",
  description:
    "A usage plan covers only this stack's API stages, named by the Stage resource (a plan on another API's stage meters nothing here; on a deployment's stage name before the Stage exists, API Gateway refuses it) (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html).",
  validateStack: (args, report) => {
    const stages = args.resources.filter((r) => r.type === "aws:apigateway/stage:Stage");
    for (const plan of args.resources.filter((r) => r.type === "aws:apigateway/usagePlan:UsagePlan")) {
      for (const s of asList<{ apiId?: unknown; stage?: unknown }>(plan.props.apiStages)) {
        if (typeof s.apiId !== "string" || typeof s.stage !== "string") continue; // not known before the API exists
        const stage = stages.find((st) => st.props.restApi === s.apiId && st.props.stageName === s.stage);
        if (!stage) report(`${plan.name} covers ${s.apiId}/${s.stage}, not a stage of this stack`, plan.urn);
        else if (!dependsOn(plan, stage))
          report(`${plan.name} names ${s.stage} without depending on its Stage resource`, plan.urn);
      }
    }
  },
};

const albLogin: StackValidationPolicy = {
  name: "alb-login-redirects-registered",
  description:
    "The Cognito client behind an ALB's authenticate-cognito action lists https://<load balancer DNS name>/oauth2/idpresponse, and every callback URL in lower case (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html).",
  validateStack: (args, report) => {
    for (const listener of args.resources.filter((r) => r.type === "aws:lb/listener:Listener")) {
      for (const action of asList(
        listener.props.defaultActions as { authenticateCognito?: { userPoolClientId?: string } }[],
      )) {
        const clientId = action.authenticateCognito?.userPoolClientId;
        if (!clientId) continue;
        const client = args.resources.find(
          (r) => r.type === "aws:cognito/userPoolClient:UserPoolClient" && r.props.id === clientId,
        );
        const lb = args.resources.find(
          (r) => r.type === "aws:lb/loadBalancer:LoadBalancer" && r.props.arn === listener.props.loadBalancerArn,
        );
        if (!client || !lb?.props.dnsName) continue;
        const callbacks: string[] = asList(client.props.callbackUrls);
        for (const uri of albRedirectUris([lb.props.dnsName]))
          if (!callbacks.includes(uri)) report(`${client.name} does not list ${uri}`, client.urn);
        for (const uri of callbacks)
          if (uri !== uri.toLowerCase()) report(`callback ${uri} is not lower case (Cognito requires it)`, client.urn);
      }
    }
  },
};

const sigv4Preflight: StackValidationPolicy = {
  name: "iam-cors-allows-sigv4",
  description:
    "Where methods use AWS_IAM, the CORS preflight allows every header a SigV4 signer sends, or browsers can never call them (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html).",
  validateStack: async (args, report) => {
    // Per door: beside other doors (`doors`), only the preflights of the doors with AWS_IAM methods,
    // known by the door component in their URN (a preview knows no new API's id yet).
    const doorOf = (urn: string) => /notes-auth:door:\w+FrontDoor\$/.exec(urn)?.[0] ?? "";
    const signed = new Set(
      args.resources
        .filter((r) => r.type === "aws:apigateway/method:Method" && r.props.authorization === "AWS_IAM")
        .map((r) => doorOf(r.urn)),
    );
    if (signed.size === 0) return;
    const requested = preflightRequestHeaders(await sigv4BrowserRequestHeaders());
    const preflights = args.resources.filter(
      (r) => r.type === "aws:apigateway/integrationResponse:IntegrationResponse" && signed.has(doorOf(r.urn)),
    );
    for (const r of preflights) {
      const allow = r.props.responseParameters?.["method.response.header.Access-Control-Allow-Headers"];
      if (allow === undefined) continue;
      const missing = headersNotAllowed(String(allow).replace(/^'|'$/g, ""), requested);
      if (missing.length > 0) report(`the preflight does not allow ${missing.join(", ")}`, r.urn);
    }
  },
};

const domainTls: ResourceValidationPolicy = {
  name: "custom-domain-tls12-regional",
  description:
    "An API Gateway custom domain is regional with the TLS_1_2 security policy, which mutual TLS also requires (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html).",
  validateResource: validateResourceOfType(aws.apigatewayv2.DomainName, (d, _args, report) => {
    const c = d.domainNameConfiguration;
    if (c?.securityPolicy !== "TLS_1_2") report(`security policy is ${c?.securityPolicy}, not TLS_1_2`);
    if (c?.endpointType !== "REGIONAL") report(`endpoint type is ${c?.endpointType}, not REGIONAL`);
  }),
};

const domainNotBypassed: StackValidationPolicy = {
  name: "custom-domain-not-bypassed",
  description:
    "An API served on a custom domain has its default execute-api endpoint turned off, or clients reach it around the domain and its mutual TLS (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html).",
  validateStack: (args, report) => {
    const apis = args.resources.filter(
      (r) => r.type === "aws:apigateway/restApi:RestApi" || r.type === "aws:apigatewayv2/api:Api",
    );
    for (const mapping of args.resources.filter((r) => r.type === "aws:apigatewayv2/apiMapping:ApiMapping")) {
      for (const api of apis.filter((a) => a.props.id === mapping.props.apiId)) {
        if (api.props.disableExecuteApiEndpoint !== true)
          report(`${api.name} is mapped to ${mapping.props.domainName} but still answers on execute-api`, api.urn);
      }
    }
  },
};

const alarmsNotify: ResourceValidationPolicy = {
  name: "alarms-notify",
  description:
    "Every CloudWatch alarm notifies someone when it fires and when it clears: an alarm without actions pages nobody.",
  validateResource: validateResourceOfType(aws.cloudwatch.MetricAlarm, (a, _args, report) => {
    if (asList(a.alarmActions).length === 0) report("no alarm actions");
    if (asList(a.okActions).length === 0) report("no OK actions");
  }),
};

/** Every policy of the pack. */
export const POLICIES: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  dynamodb,
  tableProtected,
  tableTtl,
  publicAccess,
  tlsOnly,
  ownership,
  versioning,
  bucketEncrypted,
  destroyable,
  logRetention,
  lambdaRuntime,
  permissionScoped,
  noFunctionUrl,
  noWildcards,
  outsidersNeedProof,
  machineRoleOnePrincipal,
  executeApiScoped,
  restMethods,
  restStageLogs,
  usagePlan,
  httpScopes,
  jwtAudiences,
  httpCors,
  albListeners,
  albHardened,
  identityPool,
  usersGetARole,
  identityPoolRoleTrust,
  domainPrefix,
  redeployTrigger,
  domainTls,
  alarmsNotify,
  stageAfterAccount,
  executionLogsRetained,
  userPoolAuthorizerOwnPool,
  usagePlanOwnStage,
  albLogin,
  sigv4Preflight,
  domainNotBypassed,
];
