import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { AUTH_MODES, ConfigError, DEFAULT_TOKEN_LIFETIMES, RETIRED_KEYS } from "../../components/config";
import { keepsUserPool, parseStackConfig } from "../../components/resolvedConfig";
import { PROVIDER_TYPES } from "../../awsRules/federation";
import { ArgsOf, DOORS } from "../../components/doors/registry";

const ROOT = path.join(__dirname, "..", "..");
const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as any;
const declared = project.config as Record<
  string,
  { type: string; description: string; default?: unknown; secret?: boolean }
>;
const lookup = (values: Record<string, unknown>) => (key: string) => {
  const v = values[key];
  return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
};
const parse = (values: Record<string, unknown>) => parseStackConfig(lookup(values));
/** REST doors need the choice of who manages API Gateway's logging role; most specs here are about other keys. */
const rest = { apiGatewayAccountRole: true };
const fails = (values: Record<string, unknown>, key: string, ...mentions: string[]) => {
  assert.throws(
    () => parse(values),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.equal(err.key, key);
      assert.ok(err.message.startsWith(`notes-auth:${key} `), err.message);
      for (const m of mentions) assert.ok(err.message.includes(m), `"${m}" in: ${err.message}`);
      return true;
    },
  );
};

describe("stack config", () => {
  describe("authMode", () => {
    it("is required (or doors), and the error lists every allowed value", () => fails({}, "authMode", ...AUTH_MODES));
    it("rejects an unknown value by name", () => fails({ authMode: "oauth" }, "authMode", '"oauth"', ...AUTH_MODES));
    it("accepts each mode with its minimal settings", () => {
      for (const mode of AUTH_MODES)
        assert.equal(parse({ authMode: mode, ...DOORS[mode].minimalConfig }).stack.authMode, mode);
      assert.equal(
        (parse({ authMode: "api-key", ...rest, apiKeyClients: ["a"] }).door as ArgsOf<"api-key">).clients[0],
        "a",
      );
    });
  });

  describe("doors and primaryDoor (several doors at once)", () => {
    const two = { ...rest, doors: ["cognito", "http-jwt"] };
    it("given doors, then every door is read with its own arguments, and the first is the primary", () => {
      const cfg = parse(two);
      assert.deepEqual(cfg.stack.doors, ["cognito", "http-jwt"]);
      assert.equal(cfg.stack.authMode, "cognito");
      assert.deepEqual(
        cfg.doors.map((d) => d.mode),
        ["cognito", "http-jwt"],
      );
      assert.ok("externalIssuer" in (cfg.doors[1].args as object), "http-jwt's own arguments");
    });
    it("given primaryDoor, then it is the primary, and its arguments are the config's door", () => {
      const cfg = parse({ ...two, primaryDoor: "http-jwt" });
      assert.equal(cfg.stack.authMode, "http-jwt");
      assert.strictEqual(cfg.door, cfg.doors[1].args);
    });
    it("given authMode alone, then it is the one door (the shorthand)", () =>
      assert.deepEqual(parse({ authMode: "cognito", ...rest }).stack.doors, ["cognito"]));
    it("given authMode and doors that agree (doors: [authMode]), then they are accepted", () =>
      assert.deepEqual(parse({ authMode: "cognito", ...rest, doors: ["cognito"] }).stack.doors, ["cognito"]));
    it("given authMode and doors that disagree, then doors is refused, naming both", () =>
      fails({ authMode: "cognito", ...two }, "doors", "authMode", "cognito, http-jwt"));
    it("given neither, then authMode is required, naming the allowed values and doors", () =>
      fails({}, "authMode", "doors", ...AUTH_MODES));
    it("given an unknown door or one door twice, then doors is refused, naming the allowed values", () => {
      fails({ ...rest, doors: ["cognito", "oauth"] }, "doors", '"oauth"', ...AUTH_MODES);
      fails({ ...rest, doors: ["cognito", "cognito"] }, "doors", "duplicate");
    });
    it("given a primaryDoor the stack does not run, then it is refused, naming the stack's doors", () =>
      fails({ ...two, primaryDoor: "iam" }, "primaryDoor", "cognito, http-jwt"));
    it("given a door's bad key beside another door, then that door's check names it (WAF at http-jwt)", () =>
      fails({ ...two, wafAclArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/notes/0f9b7c1e" }, "wafAclArn"));
    it("given alb-oidc beside a gateway door under domainName, then doors is refused (the ALB serves the name)", () =>
      fails(
        {
          ...rest,
          doors: ["alb-oidc", "cognito"],
          domainName: "notes.example.com",
          domainCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f9b7c1e-1111-4a4a-9999-abcdefabcdef",
        },
        "doors",
        "albWithoutDomainName",
      ));
  });

  describe("mode requirements", () => {
    it("alb-oidc needs a certificate", () => fails({ authMode: "alb-oidc" }, "domainCertificateArn", "alb-oidc"));
    it(
      "a REST door needs an explicit apiGatewayAccountRole choice (one stack per account and region sets " +
        "the role)",
      () => {
        for (const mode of ["iam", "cognito", "api-key"] as const)
          fails(
            { authMode: mode, ...(mode === "api-key" ? { apiKeyClients: ["a"] } : {}) },
            "apiGatewayAccountRole",
            mode,
            "exactly one stack per account and region",
          );
        assert.equal(
          parse({ authMode: "http-jwt" }).stack.apiGatewayAccountRole,
          undefined,
          "the HTTP API door does not need it",
        );
      },
    );
    it("api-key needs at least one client", () => fails({ authMode: "api-key", ...rest }, "apiKeyClients", "api-key"));
    it("an external JWT issuer needs its audiences, and the reverse", () => {
      fails({ authMode: "http-jwt", jwtIssuer: "https://idp.example.com/" }, "jwtAudiences");
      fails({ authMode: "http-jwt", jwtAudiences: ["abc"] }, "jwtIssuer");
    });
    it("the oidc* keys come all together", () =>
      fails(
        {
          authMode: "alb-oidc",
          domainCertificateArn: "arn:aws:acm:us-east-1:1:certificate/x",
          domainName: "notes.example.com",
          oidcIssuer: "https://idp.example.com",
        },
        "oidcAuthorizationEndpoint",
      ));
    it("admin API-key clients must be configured clients", () =>
      fails(
        { authMode: "api-key", ...rest, apiKeyClients: ["a"], apiKeyAdminClients: ["b"] },
        "apiKeyAdminClients",
        '"b"',
      ));
  });

  describe("values", () => {
    it("rejects a non-boolean protectData", () =>
      fails({ authMode: "cognito", protectData: "yes" }, "protectData", "true or false"));
    it("rejects a log retention CloudWatch does not offer", () =>
      fails({ authMode: "cognito", logRetentionDays: "31" }, "logRetentionDays", "30"));
    it("rejects * and plain-http origins in corsOrigins", () => {
      fails({ authMode: "cognito", corsOrigins: ["*"] }, "corsOrigins", "never *");
      fails({ authMode: "cognito", corsOrigins: ["http://evil.example.com"] }, "corsOrigins");
    });
    it("rejects a list given as a plain string", () =>
      fails({ authMode: "cognito", corsOrigins: "https://a.example.com" }, "corsOrigins", "list"));
    it("rejects a burst below the rate", () =>
      fails({ authMode: "cognito", throttleRateLimit: "100", throttleBurstLimit: "10" }, "throttleBurstLimit"));
    it("rejects a malformed machine-role principal", () =>
      fails({ authMode: "iam", ...rest, machineRolePrincipals: ["*"] }, "machineRolePrincipals"));
    it("rejects a Cognito domain prefix Cognito would refuse", () => {
      fails({ authMode: "cognito", cognitoDomainPrefix: "My_Notes" }, "cognitoDomainPrefix", "lower-case");
      fails({ authMode: "cognito", cognitoDomainPrefix: "notes-cognito" }, "cognitoDomainPrefix", '"cognito"');
      assert.equal(
        parse({ authMode: "cognito", ...rest, cognitoDomainPrefix: "acme-notes" }).stack.cognitoDomainPrefix,
        "acme-notes",
      );
    });
    it(
      "rejects reserved concurrency 0 (it throttles every request) and more than Lambda lets a default " +
        "account reserve",
      () => {
        fails({ authMode: "http-jwt", lambdaReservedConcurrency: "0" }, "lambdaReservedConcurrency", "-1");
        fails({ authMode: "http-jwt", lambdaReservedConcurrency: "1000" }, "lambdaReservedConcurrency", "900");
      },
    );
    it("refuses a stack name that would make a Cognito domain prefix Cognito refuses, naming the key to set", () => {
      assert.throws(
        () => parseStackConfig(lookup({ authMode: "http-jwt" }), undefined, "aws-dev"),
        (err: any) => err.key === "cognitoDomainPrefix" && /notes-auth-aws-dev-<account>/.test(err.message),
      );
      assert.throws(
        () => parseStackConfig(lookup({ authMode: "http-jwt" }), undefined, "x".repeat(40)),
        (err: any) => err.key === "cognitoDomainPrefix",
      );
      assert.equal(
        parseStackConfig(lookup({ authMode: "http-jwt", cognitoDomainPrefix: "acme-notes" }), undefined, "aws-dev")
          .stack.cognitoDomainPrefix,
        "acme-notes",
      );
      const external = { authMode: "http-jwt", jwtIssuer: "https://idp.example.com/", jwtAudiences: ["a"] };
      assert.ok(
        parseStackConfig(lookup({ ...external, keepUserPool: false }), undefined, "aws-dev"),
        "no user pool, no prefix",
      );
      assert.throws(
        () => parseStackConfig(lookup(external), undefined, "aws-dev"),
        (err: any) => err.key === "cognitoDomainPrefix",
        "a door that verifies an outside issuer keeps the pool (keepUserPool), and the pool its domain",
      );
    });
    it("needs an SES identity for a custom sender", () => {
      fails({ authMode: "http-jwt", emailFrom: "Notes <no-reply@example.com>" }, "emailFrom", "sesEmailIdentityArn");
      fails(
        { authMode: "http-jwt", sesEmailIdentityArn: "arn:aws:sns:us-east-1:1:x" },
        "sesEmailIdentityArn",
        "arn:aws:ses",
      );
    });
    it("rejects an unknown quota period", () =>
      fails(
        { authMode: "api-key", ...rest, apiKeyClients: ["a"], apiKeyQuotaPeriod: "YEAR" },
        "apiKeyQuotaPeriod",
        "DAY, WEEK, MONTH",
      ));
  });

  describe("what AWS would refuse, refused before any resource, naming the key", () => {
    const inRegion = (values: Record<string, unknown>, region = "eu-west-2") =>
      parseStackConfig(lookup(values), undefined, undefined, region);
    const failsIn = (values: Record<string, unknown>, key: string, ...mentions: string[]) => {
      assert.throws(
        () => inRegion(values),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError, String(err));
          assert.equal(err.key, key, err.message);
          for (const m of mentions) assert.ok(err.message.includes(m), `"${m}" in: ${err.message}`);
          return true;
        },
      );
    };
    const domain = { domainName: "notes.example.com" };

    it(
      "wafAclArn at http-jwt: HTTP APIs cannot have a web ACL (AWS WAF's list of resources, " +
        "how-aws-waf-works-resources.html)",
      () => {
        fails(
          { authMode: "http-jwt", wafAclArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/notes/abc" },
          "wafAclArn",
          "http-jwt",
          "HTTP API",
        );
        assert.ok(
          parse({
            authMode: "cognito",
            ...rest,
            wafAclArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/notes/abc",
          }),
          "a REST door takes it",
        );
      },
    );

    it(
      "a Cognito group name outside CreateGroup's pattern [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ or over 128 " +
        "characters, as adminGroup or a tier's group (API_CreateGroup)",
      () => {
        fails(
          { authMode: "cognito", ...rest, adminGroup: "notes admins" },
          "adminGroup",
          '"notes admins"',
          "no spaces",
        );
        fails({ authMode: "cognito", ...rest, adminGroup: "a".repeat(129) }, "adminGroup", "128");
        assert.equal(
          parse({ authMode: "cognito", ...rest, adminGroup: "Équipe-admins_2" }).stack.adminGroup,
          "Équipe-admins_2",
          "letters of any script, digits and punctuation pass",
        );
        assert.equal(parse({ authMode: "cognito", ...rest, adminGroup: "a".repeat(128) }).stack.adminGroup.length, 128);
        fails(
          {
            authMode: "lambda-authorizer",
            ...rest,
            authorizerPlans: [
              "name=free,rate=5,burst=10,quota=1000,period=DAY",
              "name=pro,group=pro users,rate=50,burst=100,quota=100000,period=MONTH",
            ],
          },
          "authorizerPlans",
          '"pro users"',
        );
      },
    );

    it("an ARN in another region than the stack's (aws:region): certificate, alarm topic, web ACL", () => {
      failsIn(
        { authMode: "http-jwt", ...domain, domainCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc" },
        "domainCertificateArn",
        '"us-east-1"',
        "eu-west-2",
      );
      failsIn(
        { authMode: "alb-oidc", ...domain, domainCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc" },
        "domainCertificateArn",
        '"us-east-1"',
      );
      failsIn(
        { authMode: "http-jwt", alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:ops" },
        "alarmTopicArn",
        '"us-east-1"',
      );
      failsIn(
        { authMode: "cognito", ...rest, wafAclArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/notes/abc" },
        "wafAclArn",
        '"us-east-1"',
      );
      const ok = inRegion({
        authMode: "cognito",
        ...rest,
        ...domain,
        domainCertificateArn: "arn:aws:acm:eu-west-2:123456789012:certificate/abc",
        alarmTopicArn: "arn:aws:sns:eu-west-2:123456789012:ops",
        wafAclArn: "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/notes/abc",
      });
      assert.equal(ok.stack.wafAclArn, "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/notes/abc");
    });

    it("a global (CloudFront-scope) web ACL, which no REST stage or ALB can take", () => {
      failsIn(
        { authMode: "cognito", ...rest, wafAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/notes/abc" },
        "wafAclArn",
        "us-east-1",
      );
      fails(
        { authMode: "cognito", ...rest, wafAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/notes/abc" },
        "wafAclArn",
        "regional/webacl",
      );
    });

    it(
      "an SES identity outside the pool's region and Cognito's alternate regions (us-east-1, us-west-2, " +
        "eu-west-1)",
      () => {
        failsIn(
          {
            authMode: "cognito",
            ...rest,
            sesEmailIdentityArn: "arn:aws:ses:ap-south-1:123456789012:identity/example.com",
          },
          "sesEmailIdentityArn",
          '"ap-south-1"',
          "us-east-1, us-west-2, eu-west-1",
        );
        for (const region of ["eu-west-2", "us-east-1", "us-west-2", "eu-west-1"]) {
          assert.ok(
            inRegion({
              authMode: "cognito",
              ...rest,
              sesEmailIdentityArn: `arn:aws:ses:${region}:123456789012:identity/example.com`,
            }).stack.email,
            region,
          );
        }
      },
    );

    it(
      "domainOwnershipVerificationCertificateArn: an ACM ARN in the stack's region, only with mutual TLS, " +
        "never the domain's own certificate",
      () => {
        const mtls = {
          ...domain,
          domainCertificateArn: "arn:aws:acm:eu-west-2:123456789012:certificate/imported",
          mtlsTruststoreUri: "s3://notes-trust/ca.pem",
        };
        const owner = "arn:aws:acm:eu-west-2:123456789012:certificate/owner";
        assert.equal(
          inRegion({ authMode: "cognito", ...rest, ...mtls, domainOwnershipVerificationCertificateArn: owner }).stack
            .mtls?.ownershipVerificationCertificateArn,
          owner,
        );
        assert.equal(
          inRegion({ authMode: "cognito", ...rest, ...mtls }).stack.mtls?.ownershipVerificationCertificateArn,
          undefined,
          "not required: an ARN does not say whether the certificate is imported",
        );
        failsIn(
          {
            authMode: "cognito",
            ...rest,
            ...mtls,
            domainOwnershipVerificationCertificateArn: "arn:aws:iam::123456789012:server-certificate/x",
          },
          "domainOwnershipVerificationCertificateArn",
          "arn:aws:acm",
        );
        failsIn(
          {
            authMode: "cognito",
            ...rest,
            ...mtls,
            domainOwnershipVerificationCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/owner",
          },
          "domainOwnershipVerificationCertificateArn",
          '"us-east-1"',
        );
        failsIn(
          {
            authMode: "cognito",
            ...rest,
            ...domain,
            domainCertificateArn: mtls.domainCertificateArn,
            domainOwnershipVerificationCertificateArn: owner,
          },
          "domainOwnershipVerificationCertificateArn",
          "mtlsTruststoreUri",
        );
        failsIn(
          {
            authMode: "cognito",
            ...rest,
            ...mtls,
            domainOwnershipVerificationCertificateArn: mtls.domainCertificateArn,
          },
          "domainOwnershipVerificationCertificateArn",
          "separate",
        );
      },
    );

    it("hostedZoneTakeOverRecord needs hostedZoneId, and is false unless set", () => {
      fails(
        {
          authMode: "http-jwt",
          ...domain,
          domainCertificateArn: "arn:aws:acm:us-east-1:1:certificate/x",
          hostedZoneTakeOverRecord: true,
        },
        "hostedZoneTakeOverRecord",
        "hostedZoneId",
      );
      assert.equal(parse({ authMode: "http-jwt" }).stack.hostedZoneTakeOverRecord, false);
    });
  });

  describe("the shipped stack files", () => {
    it(
      "Pulumi.prod.yaml, for a dedicated prod account, sets API Gateway's logging role (no other " +
        "stack there does), and says when to flip it",
      async () => {
        const { readStackFile, runStack } = await import("../../offline/runStack");
        assert.equal(readStackFile("prod").apiGatewayAccountRole, true);
        assert.match(
          fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"),
          /#[^\n]*false only if prod\s*\n?\s*#?\s*shares its account and region/,
        );
        const run = await runStack({ stack: "prod", config: readStackFile("prod") });
        assert.equal(run.error, undefined);
        assert.equal(
          run.resources.filter((r) => r.type === "aws:apigateway/account:Account").length,
          1,
          "the stage's CloudWatch role is set by this stack",
        );
      },
    ).timeout(60_000);
  });

  describe("Pulumi.yaml", () => {
    it("declares every key with a type and a description (a list of objects untyped, as the CLI allows)", () => {
      // The CLI's types are string, integer, boolean and arrays of those (project.go ValidateConfigValue): a list of
      // objects has none, and an untyped key's stack value is not type-checked (config.go validateStackConfigValues
      // checks explicitly typed keys only). pulumi/pulumi sdk/go/common/workspace/{project,config}.go
      for (const [key, decl] of Object.entries(declared)) {
        if (decl.type === undefined)
          assert.ok(Array.isArray(decl.default), `${key}: untyped only for a list of objects`);
        else assert.ok(["string", "boolean", "integer", "array"].includes(decl.type), key);
        assert.ok(decl.description && decl.description.length > 10, key);
      }
    });
    it("declares the defaults the program applies, so both agree (every door's keys, under that door)", () => {
      for (const mode of AUTH_MODES) {
        const minimal = { authMode: mode, ...DOORS[mode].minimalConfig };
        const defaults = parse(minimal);
        for (const [key, decl] of Object.entries(declared)) {
          if (key === "authMode" || decl.default === undefined || key in DOORS[mode].minimalConfig) continue;
          const explicit = parse({ ...minimal, [key]: decl.default });
          assert.deepEqual(explicit, defaults, `${mode} ${key}: default ${JSON.stringify(decl.default)}`);
        }
      }
    });
    it("declares every key the program reads, whichever door", () => {
      // given a lookup that records every key asked for; when each door's full config is parsed
      const read = new Set<string>();
      const oidc: Record<string, string> = {
        oidcIssuer: "https://idp.example.com",
        oidcAuthorizationEndpoint: "https://idp.example.com/a",
        oidcTokenEndpoint: "https://idp.example.com/t",
        oidcUserInfoEndpoint: "https://idp.example.com/u",
        oidcClientId: "c",
        oidcClientSecret: "s",
      };
      for (const mode of AUTH_MODES) {
        const values = { authMode: mode, ...DOORS[mode].minimalConfig, ...(mode === "alb-oidc" ? oidc : {}) };
        parseStackConfig((key) => (read.add(key), lookup(values)(key)));
      }
      // then each is declared
      assert.ok(read.size > 30);
      for (const key of read) if (!(key in RETIRED_KEYS)) assert.ok(key in declared, `Pulumi.yaml declares ${key}`);
    });
    it("is what the config reference (docs/config.md) documents", () => {
      const reference = fs.readFileSync(path.join(ROOT, "docs", "config.md"), "utf8");
      for (const key of Object.keys(declared))
        assert.ok(reference.includes(`\`${key}\``), `docs/config.md mentions ${key}`);
    });
  });
  describe("identityProviders, token lifetimes and keepUserPool", () => {
    /** The http-jwt door, whose minimal config is empty: the keys here are the user pool's. */
    const fedParse = (values: Record<string, unknown>) => parse({ authMode: "http-jwt", ...values });
    const fedFails = (values: Record<string, unknown>, key: string, ...mentions: string[]) =>
      fails({ authMode: "http-jwt", ...values }, key, ...mentions);
    const google = {
      name: "Google",
      type: "Google",
      settings: { clientId: "123.apps.googleusercontent.com" },
      attributeMapping: { email: "email" },
    };
    const corp = {
      name: "Corp",
      type: "OIDC",
      settings: { clientId: "notes", issuer: "https://login.example.com" },
      attributeMapping: { email: "email", name: "name" },
      groupsClaim: "groups",
    };
    const secrets = JSON.stringify({ Google: "g-secret", Corp: "c-secret" });
    const both = { identityProviders: [google, corp], identityProviderSecrets: secrets };
    /** The http-jwt door verifying an outside issuer directly: no door uses the pool. */
    const external = { jwtIssuer: "https://login.example.com", jwtAudiences: ["notes"] };

    it("given none, then the stack federates nothing and keeps today's token lifetimes", () => {
      const { stack } = fedParse({});
      assert.deepEqual(stack.federation, { providers: [] });
      assert.deepEqual(stack.tokens, DEFAULT_TOKEN_LIFETIMES);
      assert.deepEqual(DEFAULT_TOKEN_LIFETIMES, {
        idTokenValidity: 60,
        accessTokenValidity: 60,
        refreshTokenValidity: 30,
        refreshTokenRotation: false,
      });
    });

    it("given a Google and an OIDC provider with secrets, then both are read, the secrets by the secret reader", () => {
      const asked: string[] = [];
      const cfg = parseStackConfig(lookup({ authMode: "cognito", ...rest, ...both }), (key) => {
        asked.push(key);
        return `secret:${key}`;
      });
      assert.deepEqual(cfg.stack.federation.providers, [
        { ...google, settings: { clientId: "123.apps.googleusercontent.com" } },
        corp,
      ]);
      assert.deepEqual(asked, ["identityProviderSecrets"]);
      assert.equal(cfg.stack.federation.secrets, "secret:identityProviderSecrets");
    });

    describe("refuses, naming the key and what is allowed, before any resource", () => {
      it("a value that is not a list of objects", () =>
        fedFails({ identityProviders: ["Google"] }, "identityProviders", "list of objects", "--path"));
      it("an unknown type, listing the types", () =>
        fedFails(
          { identityProviders: [{ ...google, type: "GitHub" }] },
          "identityProviders[0].type",
          '"GitHub"',
          ...PROVIDER_TYPES,
        ));
      it("a provider without a name", () =>
        fedFails({ identityProviders: [{ ...corp, name: undefined }] }, "identityProviders[0].name", "is required"));
      it("a name Cognito refuses: too long, a space, an underscore first, COGNITO", () => {
        // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
        fedFails({ identityProviders: [{ ...corp, name: "C".repeat(33) }] }, "identityProviders[0].name", "at most 32");
        for (const name of ["Corp SSO", "_corp", "ab", "cognito"])
          fedFails({ identityProviders: [{ ...corp, name }] }, "identityProviders[0].name", `"${name}"`);
      });
      it("a social provider not named after its type, and another named like a social one", () => {
        fedFails({ identityProviders: [{ ...google, name: "Gmail" }] }, "identityProviders[0].name", "named Google");
        fedFails({ identityProviders: [{ ...corp, name: "Facebook" }] }, "identityProviders[0].name", "social");
      });
      it("two providers of one name (Cognito's names are case-insensitive here)", () =>
        fedFails(
          { identityProviders: [corp, { ...corp, name: "CORP" }], identityProviderSecrets: secrets },
          "identityProviders[1].name",
          "earlier provider",
        ));
      it("a missing setting its type needs, per type", () => {
        fedFails(
          { identityProviders: [{ ...corp, settings: { clientId: "x" } }] },
          "identityProviders[0].settings.issuer",
        );
        fedFails(
          {
            identityProviders: [
              { ...google, name: "SignInWithApple", type: "SignInWithApple", settings: { clientId: "x", teamId: "T" } },
            ],
          },
          "identityProviders[0].settings.keyId",
          "is required",
        );
        fedFails(
          { identityProviders: [{ ...corp, type: "SAML", settings: {} }] },
          "identityProviders[0].settings.metadataUrl",
        );
      });
      it("a setting the type does not take, and a misspelt one", () => {
        fedFails(
          { identityProviders: [{ ...google, settings: { clientId: "x", issuer: "https://a.example.com" } }] },
          "identityProviders[0].settings.issuer",
          "not a setting of a Google provider",
        );
        fedFails(
          { identityProviders: [{ ...google, settings: { clientID: "x" } }] },
          "identityProviders[0].settings.clientID",
          "clientId",
        );
      });
      it("an issuer or metadata URL that is not https", () =>
        fedFails(
          { identityProviders: [{ ...corp, settings: { clientId: "x", issuer: "http://login.example.com" } }] },
          "identityProviders[0].settings.issuer",
          "https://",
        ));
      it("a mapping without email, onto the groups attribute, or onto an attribute the pool lacks", () => {
        fedFails(
          { identityProviders: [{ ...google, attributeMapping: { name: "name" } }] },
          "identityProviders[0].attributeMapping",
          "email",
        );
        fedFails(
          { identityProviders: [{ ...corp, attributeMapping: { email: "email", "custom:idp_groups": "groups" } }] },
          "identityProviders[0].attributeMapping.custom:idp_groups",
          "groupsClaim",
        );
        fedFails(
          { identityProviders: [{ ...google, attributeMapping: { email: "email", "custom:team": "team" } }] },
          "identityProviders[0].attributeMapping.custom:team",
          "not an attribute of the user pool",
          "given_name",
        );
      });
      it("a groups claim on a provider that sends no groups, or with a space", () => {
        fedFails(
          { identityProviders: [{ ...google, groupsClaim: "groups" }] },
          "identityProviders[0].groupsClaim",
          "OIDC and SAML",
        );
        fedFails(
          { identityProviders: [{ ...corp, groupsClaim: "my groups" }], identityProviderSecrets: secrets },
          "identityProviders[0].groupsClaim",
          "no spaces",
        );
      });
      it("a secret written in plain text inside the list", () =>
        fedFails(
          { identityProviders: [{ ...google, settings: { clientId: "x", clientSecret: "s" } }] },
          "identityProviders[0].settings.clientSecret",
          "identityProviderSecrets",
          "--secret",
        ));
      it("a provider without its secret, a secret of no provider, and a SAML provider's secret", () => {
        fedFails(
          { identityProviders: [google, corp], identityProviderSecrets: '{"Google":"g"}' },
          "identityProviderSecrets",
          '"Corp"',
          "client_secret",
        );
        fedFails({ identityProviders: [google] }, "identityProviderSecrets", '"Google"');
        fedFails(
          { identityProviders: [google], identityProviderSecrets: '{"Google":"g","Okta":"o"}' },
          "identityProviderSecrets",
          '"Okta"',
        );
        const saml = { ...corp, type: "SAML", settings: { metadataUrl: "https://idp.example.com/metadata" } };
        fedFails(
          { identityProviders: [saml], identityProviderSecrets: '{"Corp":"c"}' },
          "identityProviderSecrets",
          "SAML",
        );
        fedFails({ identityProviderSecrets: "not json" }, "identityProviderSecrets", "JSON object");
      });
      it("providers when the pool is removed (keepUserPool false and no door uses it)", () =>
        fedFails({ ...both, ...external, keepUserPool: false }, "identityProviders", "keepUserPool", "jwtIssuer"));
    });

    describe("token lifetimes", () => {
      it("reads each within CreateUserPoolClient bounds (5 minutes to 1 day; refresh 1 to 3650 days)", () => {
        const { stack } = fedParse({
          idTokenValidity: 5,
          accessTokenValidity: 1440,
          refreshTokenValidity: 3650,
          refreshTokenRotation: true,
        });
        assert.deepEqual(stack.tokens, {
          idTokenValidity: 5,
          accessTokenValidity: 1440,
          refreshTokenValidity: 3650,
          refreshTokenRotation: true,
        });
      });
      it("refuses a lifetime outside them, naming the key and the range", () => {
        fedFails({ idTokenValidity: 4 }, "idTokenValidity", "5 to 1440");
        fedFails({ accessTokenValidity: 1441 }, "accessTokenValidity", "5 to 1440");
        fedFails({ refreshTokenValidity: 0 }, "refreshTokenValidity", "1 to 3650");
        fedFails({ refreshTokenValidity: 3651 }, "refreshTokenValidity", "1 to 3650");
      });
    });

    describe("revocation", () => {
      it("given no key, then revocation is off; given it true, then on with a 5 s cache unless set (0-60)", () => {
        assert.equal(fedParse({}).stack.revocation, undefined);
        assert.deepEqual(fedParse({ revocation: true }).stack.revocation, { cacheSeconds: 5 });
        assert.deepEqual(fedParse({ revocation: true, revocationCacheSeconds: 0 }).stack.revocation, {
          cacheSeconds: 0,
        });
        assert.deepEqual(fedParse({ revocation: true, revocationCacheSeconds: 60 }).stack.revocation, {
          cacheSeconds: 60,
        });
      });
      it("refuses a cache time outside 0-60 or not whole, naming the key (with revocation on or off)", () => {
        fedFails({ revocation: true, revocationCacheSeconds: 61 }, "revocationCacheSeconds", "0 to 60");
        fedFails({ revocation: true, revocationCacheSeconds: -1 }, "revocationCacheSeconds", "0 to 60");
        fedFails({ revocation: true, revocationCacheSeconds: 2.5 }, "revocationCacheSeconds", "whole number");
        fedFails({ revocationCacheSeconds: 61 }, "revocationCacheSeconds", "0 to 60");
        fedFails({ revocation: "yes" }, "revocation", "true or false");
      });
      it(
        "given revocation with refreshTokenRotation, then refused before any resource, naming both keys and why " +
          "(origin_jti is not documented to survive a rotation); either alone is fine",
        () => {
          fedFails(
            { revocation: true, refreshTokenRotation: true },
            "revocation",
            "refreshTokenRotation",
            "origin_jti",
            "GetTokensFromRefreshToken",
          );
          assert.deepEqual(fedParse({ revocation: true, refreshTokenRotation: false }).stack.revocation, {
            cacheSeconds: 5,
          });
          assert.equal(fedParse({ refreshTokenRotation: true }).stack.revocation, undefined);
        },
      );
    });

    describe("the user pool is kept", () => {
      it("given a door verifying an outside issuer, then the pool is kept unless keepUserPool is false", () => {
        assert.equal(keepsUserPool(fedParse(external)), true);
        assert.equal(keepsUserPool(fedParse({ ...external, keepUserPool: false })), false);
      });
      it("given a door that signs users in with the pool, then it is kept even with keepUserPool false", () =>
        assert.equal(keepsUserPool(fedParse({ keepUserPool: false })), true));
    });
  });
});
