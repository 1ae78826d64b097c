import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { StackConfig } from "./config";
import { citedUrns } from "./cited";

/** Where a door's traffic arrives: an API Gateway stage, or a load balancer. */
export type DomainTarget =
  | { kind: "api-gateway"; apiId: pulumi.Input<string>; stage: pulumi.Input<string> }
  | { kind: "load-balancer"; dnsName: pulumi.Input<string>; zoneId: pulumi.Input<string> };

/**
 * True when a gateway door serves a custom domain (domainName with its certificate): then its
 * default execute-api endpoint is turned off, or clients could bypass the domain (and its mTLS).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html
 */
export function gatewayCustomDomain(cfg: StackConfig): boolean {
  return cfg.domainName !== undefined;
}

export interface CustomDomainArgs {
  domainName: string;
  /** ACM certificate in the stack's region; unused for a load balancer (its listener has it). */
  certificateArn?: string;
  /** Route 53 zone for the alias record; without it, point the name at `target` yourself. */
  hostedZoneId?: string;
  /**
   * Take over a record of that name and type that already exists in the zone (made by hand before
   * the stack managed it): Route 53's UPSERT (`allowOverwrite`), instead of failing with "already exists".
   * @default false
   */
  takeOverRecord?: boolean;
  /**
   * Mutual TLS. `ownershipVerificationCertificateArn`: an ACM-issued certificate for the name, which
   * API Gateway needs when `certificateArn` is imported into ACM or issued by AWS Private CA.
   */
  mtls?: { truststoreUri: string; truststoreVersion?: string; ownershipVerificationCertificateArn?: string };
  /** The primary door's: at the root of the name. */
  target: DomainTarget;
  /** Every other door's, each at `/<path>` (its mode): API Gateway targets only. @default [] */
  others?: { path: string; target: DomainTarget }[];
}

export type DomainCitation = "domainName" | "record" | "mtls";

/**
 * The stack's own name for its API, whatever the door. For the gateway doors it is one regional
 * API Gateway custom domain (the v2 resource, which maps REST and HTTP API stages alike: "You can
 * map HTTP and REST API stages to the same custom domain name",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html), so a
 * switch between gateway doors keeps the domain and only replaces its mapping; for the ALB door
 * the listener already holds the certificate. The optional alias record keeps its name in every
 * door and is updated in place to the new target. TLS 1.2 at least, and mutual TLS when asked.
 */
export class CustomDomain extends pulumi.ComponentResource {
  public readonly url: pulumi.Output<string>;
  /** The name to point domainName at (alias or CNAME) when the stack does not manage the record. */
  public readonly dnsTarget: pulumi.Output<string>;
  public readonly domain?: aws.apigatewayv2.DomainName;
  public readonly mapping?: aws.apigatewayv2.ApiMapping;
  /** The other doors' mappings, by path. */
  public readonly pathMappings: Record<string, aws.apigatewayv2.ApiMapping> = {};
  /** Each other door's URL under the name, by path (`https://<name>/<path>`). */
  public readonly pathUrls: Record<string, pulumi.Output<string>> = {};
  public readonly record?: aws.route53.Record;
  public readonly cited: Partial<Record<DomainCitation, pulumi.Resource>>;

  constructor(name: string, args: CustomDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    super("notes-auth:domain:CustomDomain", name, {}, opts);
    const child = { parent: this };
    let alias: { name: pulumi.Input<string>; zoneId: pulumi.Input<string> };
    const target = args.target;
    switch (target.kind) {
      case "api-gateway": {
        if (!args.certificateArn) throw new Error("CustomDomain: an API Gateway domain needs its certificate");
        this.domain = new aws.apigatewayv2.DomainName(
          name,
          {
            domainName: args.domainName,
            domainNameConfiguration: {
              certificateArn: args.certificateArn,
              endpointType: "REGIONAL",
              securityPolicy: "TLS_1_2",
              // https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html (imported or Private CA certificates)
              ...(args.mtls?.ownershipVerificationCertificateArn
                ? { ownershipVerificationCertificateArn: args.mtls.ownershipVerificationCertificateArn }
                : {}),
            },
            // https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
            ...(args.mtls
              ? {
                  mutualTlsAuthentication: {
                    truststoreUri: args.mtls.truststoreUri,
                    ...(args.mtls.truststoreVersion ? { truststoreVersion: args.mtls.truststoreVersion } : {}),
                  },
                }
              : {}),
          },
          child,
        );
        // The primary door at the empty path: a new door's mapping there can only exist once the
        // old one is gone (moving primaryDoor replaces it).
        this.mapping = new aws.apigatewayv2.ApiMapping(
          `${name}-mapping`,
          { domainName: this.domain.id, apiId: target.apiId, stage: target.stage },
          { parent: this, deleteBeforeReplace: true },
        );
        // Every other door at /<its mode>: an API mapping key, so one name serves several APIs
        // ("You can map HTTP and REST API stages to the same custom domain name"). Its api_id
        // forces replacement, so a door keeps its own mapping resource, named after its path.
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html
        for (const other of args.others ?? []) {
          if (other.target.kind !== "api-gateway")
            throw new Error(`CustomDomain: /${other.path} must be an API Gateway stage, not a load balancer`);
          this.pathMappings[other.path] = new aws.apigatewayv2.ApiMapping(
            `${name}-mapping-${other.path}`,
            {
              domainName: this.domain.id,
              apiId: other.target.apiId,
              stage: other.target.stage,
              apiMappingKey: other.path,
            },
            { parent: this, deleteBeforeReplace: true },
          );
          this.pathUrls[other.path] = pulumi.output(`https://${args.domainName}/${other.path}`);
        }
        alias = {
          name: this.domain.domainNameConfiguration.targetDomainName,
          zoneId: this.domain.domainNameConfiguration.hostedZoneId,
        };
        break;
      }
      case "load-balancer":
        if ((args.others ?? []).length > 0) throw new Error("CustomDomain: a load balancer's name serves it alone");
        alias = { name: target.dnsName, zoneId: target.zoneId };
        break;
      default: {
        const unreachable: never = target;
        throw new Error(`unknown domain target ${JSON.stringify(unreachable)}`);
      }
    }
    if (args.hostedZoneId) {
      this.record = new aws.route53.Record(
        `${name}-alias`,
        {
          zoneId: args.hostedZoneId,
          name: args.domainName,
          type: "A",
          aliases: [{ name: alias.name, zoneId: alias.zoneId, evaluateTargetHealth: false }],
          // Only on request: taking over replaces whatever the record pointed at before.
          ...(args.takeOverRecord ? { allowOverwrite: true } : {}),
        },
        child,
      );
    }
    this.url = pulumi.output(`https://${args.domainName}`);
    this.dnsTarget = pulumi.output(alias.name);
    this.cited = { domainName: this.domain, record: this.record, mtls: args.mtls ? this.domain : undefined };
    this.registerOutputs({ url: this.url, dnsTarget: this.dnsTarget, cited: citedUrns(this.cited) });
  }
}
