import * as crypto from "crypto";

/** One part of a REST API that a deployment snapshots: its resource type, name and inputs. */
export interface SnapshotPart {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** JSON with object keys sorted and undefined values dropped, so equal inputs hash equally. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * The redeploy trigger of a REST deployment: a hash of the actual inputs of everything the
 * deployment snapshots (the API's own settings, resources, methods, integrations, their responses,
 * authorizers, gateway responses), so any change to any of them, a replaced user pool's ARN or a new integration URI
 * included, makes a new deployment. A deployment is "a point-in-time snapshot"; "updating an API
 * includes modifying routes, methods, integrations, authorizers, and anything else other than stage
 * settings". https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-deploy-api.html
 */
export function deploymentTrigger(parts: readonly SnapshotPart[]): string {
  const sorted = [...parts].sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  return crypto
    .createHash("sha256")
    .update(JSON.stringify(canonical(sorted)))
    .digest("hex");
}

/** The resource types whose inputs a REST deployment snapshots. */
export const SNAPSHOT_TYPES = [
  "aws:apigateway/restApi:RestApi",
  "aws:apigateway/resource:Resource",
  "aws:apigateway/method:Method",
  "aws:apigateway/integration:Integration",
  "aws:apigateway/methodResponse:MethodResponse",
  "aws:apigateway/integrationResponse:IntegrationResponse",
  "aws:apigateway/authorizer:Authorizer",
  "aws:apigateway/response:Response",
] as const;
