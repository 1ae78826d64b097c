import * as assert from "assert";
import { OFFLINE_STACK, runStack } from "../../offline/runStack";
import { DOORS, doorConfig } from "../../components/doors/registry";
import { DOMAIN_VARIANTS } from "../../components/doors/restReport";
import { AuthMode } from "../../components/config";
import { StackRun, ofType, one, resourcesUnder, runMode } from "../support/stack";

const DOMAIN = DOMAIN_VARIANTS.domain;
const GATEWAY_DOORS = [
  "iam",
  "cognito",
  "http-jwt",
  "api-key",
  "lambda-authorizer",
] as const satisfies readonly AuthMode[];
const REST_DOORS = GATEWAY_DOORS.filter((m) => m !== "http-jwt");

/** The API and stage a gateway door serves from, as recorded (id from the mocked provider). */
function gatewayOf(run: StackRun): { apiId: string; stage: string; api: { type: string; inputs: any } } {
  const rest = ofType(run, "aws:apigateway/restApi:RestApi");
  if (rest.length)
    return { api: rest[0], apiId: rest[0].state.id, stage: one(run, "aws:apigateway/stage:Stage").inputs.stageName };
  const http = one(run, "aws:apigatewayv2/api:Api");
  return { api: http, apiId: http.state.id, stage: one(run, "aws:apigatewayv2/stage:Stage").inputs.name };
}

const domainParts = (run: StackRun) => resourcesUnder(run, "notes-auth:domain:CustomDomain");

describe("CustomDomain", function () {
  const runs = new Map<AuthMode, StackRun>();
  before(async () => {
    // given every door with domainName, its certificate and a hosted zone
    // the runs side by side (one worker per core), kept in the doors' order
    const modes = [...GATEWAY_DOORS, "alb-oidc"] as const;
    const done = await Promise.all(modes.map((mode) => runMode(mode, DOMAIN)));
    modes.forEach((mode, i) => runs.set(mode, done[i]));
  });

  describe("at an API Gateway door", () => {
    for (const mode of GATEWAY_DOORS) {
      it(
        `${mode}: serves a regional TLS 1.2 domain mapped to this door's stage, with the alias record, and ` +
          `the url is the domain`,
        () => {
          const run = runs.get(mode)!;
          const domain = one(run, "aws:apigatewayv2/domainName:DomainName").inputs;
          assert.deepEqual(domain.domainNameConfiguration, {
            certificateArn: DOMAIN.domainCertificateArn,
            endpointType: "REGIONAL",
            securityPolicy: "TLS_1_2",
          });
          assert.equal(domain.domainName, DOMAIN.domainName);
          const { apiId, stage } = gatewayOf(run);
          const mapping = one(run, "aws:apigatewayv2/apiMapping:ApiMapping").inputs;
          assert.deepEqual(
            { domainName: mapping.domainName, apiId: mapping.apiId, stage: mapping.stage, key: mapping.apiMappingKey },
            { domainName: DOMAIN.domainName, apiId, stage, key: undefined },
          );
          const record = one(run, "aws:route53/record:Record").inputs;
          assert.deepEqual(
            { zone: record.zoneId, name: record.name, type: record.type },
            { zone: DOMAIN.hostedZoneId, name: DOMAIN.domainName, type: "A" },
          );
          assert.deepEqual(record.aliases, [
            {
              name: "d-0123456789.execute-api.us-east-1.amazonaws.com",
              zoneId: "Z1UJRXOUMOOFQ8",
              evaluateTargetHealth: false,
            },
          ]);
          assert.equal(run.outputs.url, "https://api.example.com");
          assert.equal(
            run.outputs.dnsTarget,
            "d-0123456789.execute-api.us-east-1.amazonaws.com",
            "the regional name to point a CNAME at without hostedZoneId",
          );
        },
      );

      it(`${mode}: turns the execute-api endpoint off, so nobody bypasses the domain (and its mTLS)`, () => {
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html
        assert.equal(gatewayOf(runs.get(mode)!).api.inputs.disableExecuteApiEndpoint, true);
      });
      if (mode !== "http-jwt") {
        it(
          `${mode}: redeploys the stage when the domain comes or goes (a REST API's setting takes ` +
            `effect on a stage update)`,
          async () => {
            const trigger = (run: StackRun) =>
              one(run, "aws:apigateway/deployment:Deployment").inputs.triggers.redeployment;
            assert.notEqual(trigger(runs.get(mode)!), trigger(await runMode(mode)));
          },
        );
      }
    }

    it("without a domain, keeps the execute-api endpoint (the only way in) and makes no domain resources", async () => {
      for (const mode of ["cognito", "http-jwt"] as const) {
        const run = await runMode(mode);
        assert.equal(gatewayOf(run).api.inputs.disableExecuteApiEndpoint, false, mode);
        assert.deepEqual(domainParts(run), [], mode);
        assert.match(run.outputs.url, /execute-api/, mode);
      }
    });

    it(
      "needs the certificate with the name, and the name with the certificate or zone, before any " + "resource",
      async () => {
        for (const [config, key] of [
          [{ domainName: DOMAIN.domainName }, "domainCertificateArn"],
          [{ domainCertificateArn: DOMAIN.domainCertificateArn }, "domainName"],
          [{ hostedZoneId: DOMAIN.hostedZoneId }, "domainName"],
        ] as const) {
          const run = await runStack({ stack: OFFLINE_STACK, config: doorConfig("cognito", config) });
          assert.match(run.error ?? "", new RegExp(`notes-auth:${key} is required`), JSON.stringify(config));
          assert.deepEqual(
            run.resources.filter((r) => r.custom),
            [],
          );
        }
      },
    );
  });

  describe("at the alb-oidc door", () => {
    it(
      "points the alias record at the load balancer (its listener holds the certificate), and makes no API " +
        "Gateway domain",
      () => {
        const run = runs.get("alb-oidc")!;
        assert.deepEqual(ofType(run, "aws:apigatewayv2/domainName:DomainName"), []);
        const lb = one(run, "aws:lb/loadBalancer:LoadBalancer").state;
        assert.deepEqual(one(run, "aws:route53/record:Record").inputs.aliases, [
          { name: lb.dnsName, zoneId: lb.zoneId, evaluateTargetHealth: false },
        ]);
        assert.equal(
          one(run, "aws:lb/listener:Listener", "door-https").inputs.certificateArn,
          DOMAIN.domainCertificateArn,
        );
        assert.equal(run.outputs.url, "https://api.example.com");
      },
    );

    it(
      "without a hosted zone, makes no record, and the dnsTarget output is the load balancer's name " +
        "to point domainName at",
      async () => {
        const run = await runMode("alb-oidc");
        assert.deepEqual(
          domainParts(run).filter((r) => r.custom),
          [],
        );
        assert.equal(run.outputs.dnsTarget, one(run, "aws:lb/loadBalancer:LoadBalancer").state.dnsName);
      },
    );
  });

  describe("across door switches", () => {
    it(
      "REST to HTTP API and back keeps the domain and its record (same URNs, same inputs); the mapping " +
        "follows the door's API",
      () => {
        const rest = runs.get("cognito")!;
        const http = runs.get("http-jwt")!;
        const byType = (run: StackRun) => new Map(domainParts(run).map((r) => [r.type, r]));
        const [a, b] = [byType(rest), byType(http)];
        assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
        for (const [type, r] of a) assert.equal(b.get(type)!.urn, r.urn, type);
        for (const type of ["aws:apigatewayv2/domainName:DomainName", "aws:route53/record:Record"])
          assert.deepEqual(b.get(type)!.inputs, a.get(type)!.inputs, type);
        for (const run of [rest, http])
          assert.equal(one(run, "aws:apigatewayv2/apiMapping:ApiMapping").inputs.apiId, gatewayOf(run).apiId);
      },
    );

    it("a REST door to another REST door keeps every domain resource's URN", () => {
      const urns = (mode: AuthMode) =>
        domainParts(runs.get(mode)!)
          .map((r) => r.urn)
          .sort();
      for (const mode of REST_DOORS) assert.deepEqual(urns(mode), urns("cognito"), mode);
    });

    it(
      "gateway to ALB keeps the alias record's URN (updated in place to the load balancer) and deletes the " +
        "API Gateway domain",
      () => {
        const gateway = one(runs.get("cognito")!, "aws:route53/record:Record");
        const alb = one(runs.get("alb-oidc")!, "aws:route53/record:Record");
        assert.equal(alb.urn, gateway.urn);
        assert.deepEqual(
          { ...alb.inputs, aliases: undefined },
          { ...gateway.inputs, aliases: undefined },
          "only the alias target differs: no replacement",
        );
      },
    );

    it(
      "a record made by hand first: taken over (Route 53 overwrite, allowOverwrite) only with " +
        "hostedZoneTakeOverRecord; by default the stack never overwrites one",
      async () => {
        for (const mode of ["cognito", "alb-oidc"] as const) {
          assert.equal(one(runs.get(mode)!, "aws:route53/record:Record").inputs.allowOverwrite, undefined, mode);
          const takeOver = await runMode(mode, { ...DOMAIN, hostedZoneTakeOverRecord: true });
          const record = one(takeOver, "aws:route53/record:Record");
          assert.equal(record.inputs.allowOverwrite, true, mode);
          assert.equal(
            record.urn,
            one(runs.get(mode)!, "aws:route53/record:Record").urn,
            "the same record: turning it on or off is an update",
          );
        }
      },
    );

    it("a new mapping waits for the old one to go: one API per domain at the empty path", () => {
      // A mapping's replacement would otherwise be created while the old mapping still holds the path.
      const mapping = one(runs.get("cognito")!, "aws:apigatewayv2/apiMapping:ApiMapping");
      assert.equal(mapping.options.deleteBeforeReplace, true);
    });
  });
});

describe("mutual TLS", function () {
  const MTLS = { ...DOMAIN_VARIANTS.mtls, mtlsTruststoreVersion: "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY" };

  it(
    "checks client certificates against the truststore (and its version) on the domain, with " + "execute-api off",
    async () => {
      // every API Gateway door (the ALB door refuses mTLS: below)
      for (const mode of (Object.keys(DOORS) as (keyof typeof DOORS)[]).filter((m) => m !== "alb-oidc")) {
        const run = await runMode(mode, MTLS);
        assert.deepEqual(
          one(run, "aws:apigatewayv2/domainName:DomainName").inputs.mutualTlsAuthentication,
          { truststoreUri: MTLS.mtlsTruststoreUri, truststoreVersion: MTLS.mtlsTruststoreVersion },
          mode,
        );
        assert.equal(gatewayOf(run).api.inputs.disableExecuteApiEndpoint, true, mode);
      }
    },
  );

  it(
    "given an imported or Private CA certificate, passes domainOwnershipVerificationCertificateArn to " +
      "the domain as ownershipVerificationCertificateArn (rest-api-mutual-tls.html); without the key, none",
    async () => {
      const owner = "arn:aws:acm:us-east-1:123456789012:certificate/0f9b7c1e-3333-4c4c-7777-abcdefabcdef";
      for (const mode of ["cognito", "http-jwt"] as const) {
        const run = await runMode(mode, { ...MTLS, domainOwnershipVerificationCertificateArn: owner });
        assert.deepEqual(
          one(run, "aws:apigatewayv2/domainName:DomainName").inputs.domainNameConfiguration,
          {
            certificateArn: MTLS.domainCertificateArn,
            endpointType: "REGIONAL",
            securityPolicy: "TLS_1_2",
            ownershipVerificationCertificateArn: owner,
          },
          mode,
        );
      }
      assert.equal(
        one(await runMode("cognito", MTLS), "aws:apigatewayv2/domainName:DomainName").inputs.domainNameConfiguration
          .ownershipVerificationCertificateArn,
        undefined,
      );
      // in another region than the stack's, it stops before any resource, naming the key
      const elsewhere = await runStack({
        stack: OFFLINE_STACK,
        config: doorConfig("cognito", {
          ...MTLS,
          domainOwnershipVerificationCertificateArn: owner.replace("us-east-1", "eu-west-1"),
        }),
      });
      assert.match(
        elsewhere.error ?? "",
        new RegExp(
          String.raw`^notes-auth:domainOwnershipVerificationCertificateArn is` +
            String.raw` in region "eu-west-1", not the stack's region us-east-1`,
        ),
      );
      assert.deepEqual(
        elsewhere.resources.filter((r) => r.custom),
        [],
      );
    },
  );

  it("needs the custom domain, and says so before any resource", async () => {
    const run = await runStack({
      stack: OFFLINE_STACK,
      config: doorConfig("cognito", { mtlsTruststoreUri: MTLS.mtlsTruststoreUri }),
    });
    assert.match(
      run.error ?? "",
      new RegExp(
        String.raw`notes-auth:mtlsTruststoreUri needs a custom domain \(not` +
          String.raw`es-auth:domainName and notes-auth:domainCertificateArn\)`,
      ),
    );
    assert.deepEqual(
      run.resources.filter((r) => r.custom),
      [],
    );
  });

  it("is refused at the alb-oidc door, which authenticates browsers", async () => {
    const run = await runStack({
      stack: OFFLINE_STACK,
      config: doorConfig("alb-oidc", { mtlsTruststoreUri: MTLS.mtlsTruststoreUri }),
    });
    assert.match(run.error ?? "", /notes-auth:mtlsTruststoreUri is for the API Gateway doors/);
  });

  it("wants the truststore as an S3 URI of a PEM bundle", async () => {
    const run = await runStack({
      stack: OFFLINE_STACK,
      config: doorConfig("cognito", { ...MTLS, mtlsTruststoreUri: "https://bucket/ca.pem" }),
    });
    assert.match(
      run.error ?? "",
      /notes-auth:mtlsTruststoreUri is "https:\/\/bucket\/ca.pem": it must be s3:\/\/<bucket>\/<key>.pem/,
    );
  });
});
