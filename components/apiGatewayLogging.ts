import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { serviceTrust } from "./iamPolicy";

/**
 * API Gateway's account-level CloudWatch role: one setting per account AND region, which REST
 * access and execution logging need before a stage can be created with logging on.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
 * ("You must set the cloudWatchRoleArn property separately for each AWS Region in which you want
 * to enable CloudWatch Logs.")
 *
 * It belongs to the account, not to a door: the stack creates it whenever
 * `apiGatewayAccountRole` is true, whatever the door, so a door switch never deletes or
 * re-creates it, and both are kept when the stack is destroyed (other APIs in the region rely
 * on it; API Gateway has no call to unset it). Set the key true in ONE stack per account and
 * region: two stacks that both set it would overwrite each other on every `pulumi up`.
 */
export class ApiGatewayLogging extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  /** The regional account setting; a REST stage that logs must depend on it. */
  public readonly account: aws.apigateway.Account;

  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("notes-auth:apigateway:ApiGatewayLogging", name, {}, opts);
    const keep = { parent: this, retainOnDelete: true };
    this.role = new aws.iam.Role(
      `${name}-cloudwatch-role`,
      {
        description: "API Gateway pushes execution and access logs to CloudWatch (account setting, this region)",
        assumeRolePolicy: serviceTrust("apigateway.amazonaws.com"),
        managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"],
      },
      keep,
    );
    this.account = new aws.apigateway.Account(`${name}-account`, { cloudwatchRoleArn: this.role.arn }, keep);
    this.registerOutputs({ cloudwatchRoleArn: this.role.arn });
  }
}
