import * as assert from "assert";
import { CustomDomain } from "../../components/customDomain";
import { RecordedResource } from "../../offline/mocks";
import { buildAlone, only, valueOf } from "./alone";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/notes";

describe("CustomDomain, built alone", function () {
  describe("given an API Gateway stage as its target and a hosted zone", function () {
    let resources: RecordedResource[];
    let domain: CustomDomain;
    before(async () => {
      resources = await buildAlone(() => {
        domain = new CustomDomain("domain", {
          domainName: "notes.example.com",
          certificateArn: CERT,
          hostedZoneId: "ZONE123",
          target: { kind: "api-gateway", apiId: "stub-api", stage: "v1" },
        });
      });
    });

    it("when built, then the domain is regional, TLS 1.2 at least, with the certificate given", () => {
      const name = only(resources, "aws:apigatewayv2/domainName:DomainName");
      assert.equal(name.inputs.domainName, "notes.example.com");
      assert.deepEqual(name.inputs.domainNameConfiguration, {
        certificateArn: CERT,
        endpointType: "REGIONAL",
        securityPolicy: "TLS_1_2",
      });
      assert.equal(name.inputs.mutualTlsAuthentication, undefined);
    });

    it("when built, then its one mapping sends the domain to the API and stage passed, replaced delete-first", () => {
      const mapping = only(resources, "aws:apigatewayv2/apiMapping:ApiMapping");
      const name = only(resources, "aws:apigatewayv2/domainName:DomainName");
      assert.deepEqual(
        [mapping.inputs.domainName, mapping.inputs.apiId, mapping.inputs.stage],
        [name.state.id, "stub-api", "v1"],
      );
      assert.equal(mapping.options.deleteBeforeReplace, true);
    });

    it("when built, then the alias record in the zone points at the domain's regional target", async () => {
      const name = only(resources, "aws:apigatewayv2/domainName:DomainName");
      const record = only(resources, "aws:route53/record:Record");
      assert.deepEqual(
        [record.inputs.zoneId, record.inputs.name, record.inputs.type],
        ["ZONE123", "notes.example.com", "A"],
      );
      assert.deepEqual(record.inputs.aliases, [
        {
          name: name.state.domainNameConfiguration.targetDomainName,
          zoneId: name.state.domainNameConfiguration.hostedZoneId,
          evaluateTargetHealth: false,
        },
      ]);
      assert.equal(record.inputs.allowOverwrite, undefined);
      assert.equal(await valueOf(domain.url), "https://notes.example.com");
    });
  });

  describe("given a load balancer as its target", function () {
    let resources: RecordedResource[];
    before(async () => {
      resources = await buildAlone(
        () =>
          new CustomDomain("domain", {
            domainName: "notes.example.com",
            hostedZoneId: "ZONE123",
            takeOverRecord: true,
            target: { kind: "load-balancer", dnsName: "stub-alb.elb.amazonaws.com", zoneId: "ZALB" },
          }),
      );
    });

    it("when built, then no gateway domain is made and the record aliases the load balancer passed", () => {
      assert.equal(resources.filter((r) => r.type.startsWith("aws:apigatewayv2/")).length, 0);
      const record = only(resources, "aws:route53/record:Record");
      assert.deepEqual(record.inputs.aliases, [
        { name: "stub-alb.elb.amazonaws.com", zoneId: "ZALB", evaluateTargetHealth: false },
      ]);
      assert.equal(record.inputs.allowOverwrite, true);
    });
  });
});
