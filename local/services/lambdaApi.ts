import type { GatewayReply } from "../gateways/http";
import type { LocalLambda } from "./lambda";
import type { IssuedCredentials, LocalIam } from "./iam";
import { AwsRequest, jsonError, jsonSignatureError } from "./protocol";
import { signedPart, verifySigV4 } from "./sigv4";

/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/<name or ARN>/invocations`) and
 * GetFunctionConfiguration (`GET …/configuration`), REST-JSON with SigV4 (service `lambda`),
 * allowed by the caller's IAM policies (`lambda:InvokeFunction`, `lambda:GetFunctionConfiguration`
 * on the function's ARN), so @aws-sdk/client-lambda can reach a local function directly, as an
 * operator can in AWS. A function's error comes back as a 200 with `X-Amz-Function-Error: Unhandled`.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 * https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionConfiguration.html
 */

const PATH = /^\/2015-03-31\/functions\/([^/]+)\/(invocations|configuration)$/;

export function lambdaApi(deps: {
  iam: LocalIam;
  lambda(): LocalLambda;
  region: string;
}): (req: AwsRequest) => Promise<GatewayReply | undefined> {
  return async (req) => {
    const m = PATH.exec(req.rawPath);
    if (!m || req.method !== (m[2] === "invocations" ? "POST" : "GET")) return undefined;
    const action = m[2] === "invocations" ? "lambda:InvokeFunction" : "lambda:GetFunctionConfiguration";
    const checked = await verifySigV4<IssuedCredentials>(signedPart(req), {
      service: "lambda",
      region: deps.region,
      lookup: (k) => deps.iam.lookup(k),
    });
    if (!checked.ok) return jsonError(jsonSignatureError(checked.failure), checked.message, 403);
    const fn = deps.lambda().find(decodeURIComponent(m[1]));
    if (!fn) return jsonError("ResourceNotFoundException", `Function not found: ${decodeURIComponent(m[1])}`, 404);
    const caller = checked.credentials.principal;
    if ((await deps.iam.allows(caller, action, fn.arn)) !== "Allowed") {
      return jsonError(
        "AccessDeniedException",
        `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${fn.arn}`,
        403,
      );
    }
    if (m[2] === "configuration") {
      return {
        status: 200,
        headers: { "content-type": "application/json" },
        body: Buffer.from(
          JSON.stringify({
            FunctionName: fn.name,
            FunctionArn: fn.arn,
            Handler: "index.handler",
            Environment: { Variables: fn.environment },
          }),
        ),
      };
    }
    let event: unknown;
    try {
      event = JSON.parse(req.body?.toString("utf8") || "{}");
    } catch {
      return jsonError("InvalidRequestContentException", "Could not parse request body into json", 400);
    }
    const invoked = await deps.lambda().invoke(fn.name, event);
    if (invoked.error)
      return {
        status: 200,
        headers: {
          "content-type": "application/json",
          "x-amz-function-error": "Unhandled",
          "x-amz-executed-version": "$LATEST",
        },
        body: Buffer.from(JSON.stringify(invoked.error)),
      };
    return {
      status: 200,
      headers: { "content-type": "application/json", "x-amz-executed-version": "$LATEST" },
      body: Buffer.from(JSON.stringify(invoked.result ?? null)),
    };
  };
}
