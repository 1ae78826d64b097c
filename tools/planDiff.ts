/**
 * What `pulumi up` would do going from one run of the program to another: resource by resource
 * (by URN), create / update / replace / delete, as the engine classifies them. Same URN (or an
 * alias of it) with changed inputs is an update, unless a changed input is replace-on-change for
 * that type (REPLACE_ON_CHANGE); a new URN is a create, a URN gone is a delete. Pure: no runs here.
 */
import type { RecordedResource } from "../offline/mocks";

/**
 * The inputs whose change makes the provider replace a resource ("*" = every input), for the
 * types the program uses. From the Terraform AWS provider's schemas (`ForceNew: true`), which
 * @pulumi/aws bridges: github.com/hashicorp/terraform-provider-aws, internal/service/<service>/<resource>.go
 * (e.g. lambda/permission.go, dynamodb/table.go, s3/bucket.go, cognitoidp/user_pool_client.go,
 * apigatewayv2/api_mapping.go, apigateway/deployment.go), checked attribute by attribute for every type the
 * program records. Not modelled: CustomizeDiff replacements (a REST authorizer's `type` to or from
 * COGNITO_USER_POOLS, authorizer.go; some ALB `subnetMapping` changes). A type not listed here is updated in place.
 */
export const REPLACE_ON_CHANGE: Record<string, readonly string[]> = {
  "aws:lambda/permission:Permission": ["*"],
  "aws:lambda/function:Function": ["name", "packageType"],
  "aws:lambda/alias:Alias": ["name", "functionName"],
  "aws:dynamodb/table:Table": ["name", "hashKey", "rangeKey", "localSecondaryIndexes"],
  "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled"],
  "aws:s3/bucketV2:BucketV2": ["bucket", "bucketPrefix", "objectLockEnabled"],
  "aws:s3/bucketPolicy:BucketPolicy": ["bucket"],
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ["bucket"],
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ["bucket"],
  "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": ["bucket", "expectedBucketOwner"],
  "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2": ["bucket", "expectedBucketOwner"],
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ["bucket", "expectedBucketOwner"],
  "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": ["bucket", "expectedBucketOwner"],
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
    "bucket",
    "expectedBucketOwner",
  ],
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": [
    "bucket",
    "expectedBucketOwner",
  ],
  "aws:s3/bucketVersioning:BucketVersioning": ["bucket", "expectedBucketOwner"],
  "aws:s3/bucketVersioningV2:BucketVersioningV2": ["bucket", "expectedBucketOwner"],
  "aws:cognito/userPoolClient:UserPoolClient": ["userPoolId", "generateSecret"],
  "aws:cognito/userPoolDomain:UserPoolDomain": ["domain", "userPoolId"],
  "aws:cognito/resourceServer:ResourceServer": ["identifier", "userPoolId", "name"],
  "aws:cognito/userGroup:UserGroup": ["name", "userPoolId"],
  "aws:cognito/userPool:UserPool": ["name", "aliasAttributes", "usernameAttributes", "usernameConfiguration"],
  "aws:cognito/identityProvider:IdentityProvider": ["providerName", "providerType", "userPoolId"],
  "aws:cognito/identityPool:IdentityPool": ["identityPoolName", "developerProviderName"],
  "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment": ["identityPoolId", "roles"],
  "aws:apigatewayv2/apiMapping:ApiMapping": ["apiId", "domainName"],
  "aws:apigatewayv2/domainName:DomainName": ["domainName"],
  "aws:apigatewayv2/stage:Stage": ["apiId", "name"],
  "aws:apigatewayv2/route:Route": ["apiId"],
  "aws:apigatewayv2/integration:Integration": ["apiId", "integrationType", "integrationSubtype"],
  "aws:apigatewayv2/authorizer:Authorizer": ["apiId"],
  "aws:apigatewayv2/api:Api": ["protocolType", "credentialsArn", "routeKey", "target"],
  "aws:apigateway/deployment:Deployment": ["restApi", "triggers", "variables"],
  "aws:apigateway/stage:Stage": ["restApi", "stageName"],
  "aws:apigateway/resource:Resource": ["restApi"],
  "aws:apigateway/method:Method": ["restApi", "resourceId", "httpMethod"],
  "aws:apigateway/methodResponse:MethodResponse": ["restApi", "resourceId", "httpMethod"],
  "aws:apigateway/methodSettings:MethodSettings": ["restApi", "stageName", "methodPath"],
  "aws:apigateway/integration:Integration": [
    "restApi",
    "resourceId",
    "httpMethod",
    "type",
    "integrationHttpMethod",
    "credentials",
    "passthroughBehavior",
  ],
  "aws:apigateway/integrationResponse:IntegrationResponse": ["restApi", "resourceId", "httpMethod"],
  "aws:apigateway/response:Response": ["restApiId", "responseType"],
  "aws:apigateway/authorizer:Authorizer": ["restApi"],
  "aws:apigateway/apiKey:ApiKey": ["value"],
  "aws:apigateway/usagePlanKey:UsagePlanKey": ["*"],
  "aws:iam/role:Role": ["name", "namePrefix", "path"],
  "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["*"],
  "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix", "logGroupClass"],
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": ["name", "logGroupName"],
  "aws:cloudwatch/metricAlarm:MetricAlarm": ["name"],
  "aws:sns/topic:Topic": ["name", "namePrefix", "fifoTopic"],
  "aws:sns/topicSubscription:TopicSubscription": ["endpoint", "protocol", "topic"],
  "aws:route53/record:Record": ["name", "zoneId"],
  "aws:lb/listener:Listener": ["loadBalancerArn"],
  "aws:lb/listenerRule:ListenerRule": ["listenerArn"],
  "aws:lb/targetGroup:TargetGroup": [
    "name",
    "namePrefix",
    "port",
    "protocol",
    "protocolVersion",
    "targetType",
    "vpcId",
    "ipAddressType",
  ],
  "aws:lb/targetGroupAttachment:TargetGroupAttachment": ["*"],
  "aws:lb/loadBalancer:LoadBalancer": ["name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"],
  "aws:wafv2/webAclAssociation:WebAclAssociation": ["*"],
  "aws:ec2/securityGroup:SecurityGroup": ["name", "namePrefix", "vpcId", "description"],
};

export type Change = "create" | "update" | "replace" | "delete";

export interface ResourceChange {
  change: Change;
  /** The URN after the change (before, for a delete). */
  urn: string;
  type: string;
  /** The URN before, when an alias moved it. */
  from?: string;
  /** Top-level inputs that differ (updates and replaces), sorted. */
  inputs?: string[];
  /** For a replace: the changed inputs that force it. */
  replacedBy?: string[];
}

export const CHANGES: readonly Change[] = ["create", "update", "replace", "delete"];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A URN without the stack in its parent chain: Pulumi's mocks put `pulumi:pulumi:Stack$` in the type of a
 * resource the stack parents, the engine (and `pulumi.createUrn`, which aliases use) does not.
 */
const sameStack = (urn: string) => urn.replace("::pulumi:pulumi:Stack$", "::");

/** The resources of `after` against `before`: only custom resources and components that change, sorted by URN. */
export function diffRuns(before: readonly RecordedResource[], after: readonly RecordedResource[]): ResourceChange[] {
  const old = new Map(before.map((r) => [sameStack(r.urn), r]));
  const matched = new Set<string>();
  const changes: ResourceChange[] = [];
  for (const r of after) {
    const fromUrn = [r.urn, ...(r.aliasUrns ?? [])].map(sameStack).find((u) => old.has(u) && !matched.has(u));
    if (fromUrn === undefined) {
      changes.push({ change: "create", urn: r.urn, type: r.type });
      continue;
    }
    matched.add(fromUrn);
    const prev = old.get(fromUrn)!;
    const keys = [...new Set([...Object.keys(prev.inputs), ...Object.keys(r.inputs)])].sort();
    const changed = keys.filter((k) => !same(prev.inputs[k], r.inputs[k]));
    const moved = fromUrn !== sameStack(r.urn) ? { from: prev.urn } : {};
    if (changed.length === 0) {
      if (moved.from) changes.push({ change: "update", urn: r.urn, type: r.type, ...moved, inputs: [] });
      continue;
    }
    const forcing = REPLACE_ON_CHANGE[r.type] ?? [];
    const replacedBy = forcing.includes("*") ? changed : changed.filter((k) => forcing.includes(k));
    changes.push(
      replacedBy.length > 0 && r.custom
        ? { change: "replace", urn: r.urn, type: r.type, ...moved, inputs: changed, replacedBy }
        : { change: "update", urn: r.urn, type: r.type, ...moved, inputs: changed },
    );
  }
  for (const r of before)
    if (!matched.has(sameStack(r.urn))) changes.push({ change: "delete", urn: r.urn, type: r.type });
  return changes.sort((a, b) => a.urn.localeCompare(b.urn));
}

/** The changes as a table grouped by kind, custom and component resources alike. */
export function renderDiff(changes: readonly ResourceChange[]): string {
  const lines: string[] = [];
  const signs: Record<Change, string> = { create: "+", update: "~", replace: "+-", delete: "-" };
  for (const kind of CHANGES) {
    const of = changes.filter((c) => c.change === kind);
    lines.push(`${kind} (${of.length})`);
    for (const c of of) {
      const name = c.urn.split("::").pop();
      const notes = [
        c.from ? `moved from ${c.from.split("::").pop()} (alias)` : "",
        c.inputs?.length ? `inputs: ${c.inputs.join(", ")}` : "",
        c.replacedBy?.length ? `replaced because of: ${c.replacedBy.join(", ")}` : "",
      ].filter(Boolean);
      lines.push(`  ${signs[kind].padEnd(2)} ${c.type}  ${name}${notes.length ? `  [${notes.join("; ")}]` : ""}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
