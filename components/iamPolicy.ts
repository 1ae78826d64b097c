import * as pulumi from "@pulumi/pulumi";

/** One IAM policy statement; resources are exact ARNs (the tests reject a bare `*`). */
export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: pulumi.Input<string> | pulumi.Input<string>[];
  Principal?: Record<string, string | string[] | pulumi.Input<string>[] | pulumi.Input<string>>;
  Condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[] | boolean | string>>;
}

/** A policy document as a JSON string output, the form `aws.iam.*` and `aws.s3.BucketPolicy` take. */
export function policyJson(statements: Statement[]): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/** A trust policy letting one AWS service assume the role. */
export function serviceTrust(service: string): pulumi.Output<string> {
  return policyJson([{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }]);
}
