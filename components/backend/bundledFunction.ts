import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { Statement, policyJson, serviceTrust } from "../iamPolicy";
import { handlerArchive } from "./bundle";

export interface BundledFunctionArgs {
  /** The TypeScript entry point esbuild bundles (exports `handler`). */
  entry: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** -1 leaves it unreserved. */
  reservedConcurrency: number;
  tracing: boolean;
  logRetentionDays: number;
  /** What the function may do besides writing its own logs: exact ARNs only. */
  statements: Statement[];
  environment: pulumi.Input<Record<string, string>>;
  /** Publish a version on every change of code or configuration (for an alias to point at). @default false */
  publish?: boolean;
}

export interface BundledFunction {
  fn: aws.lambda.Function;
  role: aws.iam.Role;
  logGroup: aws.cloudwatch.LogGroup;
}

/**
 * One Lambda function as every function of this project is built: bundled by esbuild (no closure
 * serialization), nodejs22.x on arm64, JSON logs in its own log group with retention, a role that
 * may write those logs plus `statements`, optional X-Ray. Children are `<name>`, `<name>-logs`,
 * `<name>-role`, `<name>-access` (and `<name>-xray`), under `parent`.
 */
export function bundledFunction(name: string, args: BundledFunctionArgs, parent: pulumi.Resource): BundledFunction {
  const child = { parent };
  const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: args.logRetentionDays }, child);
  const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: serviceTrust("lambda.amazonaws.com") }, child);
  new aws.iam.RolePolicy(
    `${name}-access`,
    {
      role: role.id,
      policy: policyJson([
        ...args.statements,
        {
          Sid: "OwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: pulumi.interpolate`${logGroup.arn}:log-stream:*`,
        },
      ]),
    },
    child,
  );
  if (args.tracing) {
    // X-Ray has no resource-level permissions; this AWS-managed policy is the documented way.
    new aws.iam.RolePolicyAttachment(
      `${name}-xray`,
      { role: role.name, policyArn: "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess" },
      child,
    );
  }
  const fn = new aws.lambda.Function(
    name,
    {
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      code: handlerArchive(args.entry),
      role: role.arn,
      memorySize: args.memoryMb,
      timeout: args.timeoutSeconds,
      reservedConcurrentExecutions: args.reservedConcurrency >= 0 ? args.reservedConcurrency : undefined,
      tracingConfig: { mode: args.tracing ? "Active" : "PassThrough" },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      environment: { variables: args.environment },
      ...(args.publish ? { publish: true } : {}),
    },
    child,
  );
  return { fn, role, logGroup };
}
